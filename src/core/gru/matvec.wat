;; Gatescope GRU kernel: float32 matrix-vector and matrix-matrix (A·B^T) products with WASM SIMD.
;; Assembled at build time by scripts/build-wasm.js (wabt) into kernel.generated.ts.
;; Contract (the JS side guarantees it): pointers are byte offsets, 16-byte aligned; K, N and rows
;; are multiples of 4 floats; matrices are row-major with row stride K floats. Accumulation is
;; float32 in 4 lanes, reduced at the end of each row.
(module
  (memory (export "memory") 1)

  ;; [sum(a), sum(b), sum(c), sum(d)]: horizontal sums of four accumulators.
  (func $hsum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $ab v128) (local $cd v128)
    (local.set $ab (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $a) (local.get $b))
      (i8x16.shuffle 4 5 6 7 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $cd (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $c) (local.get $d))
      (i8x16.shuffle 4 5 6 7 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $c) (local.get $d))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd))))

  ;; y[i] = sum_k A[i, k] x[k] for i < rows: four rows per pass share each load of x.
  (func $matvec (export "matvec") (param $A i32) (param $rows i32) (param $K i32) (param $x i32) (param $y i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $stride i32)
    (local $k i32) (local $end i32) (local $i i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128)
    (local.set $stride (i32.shl (local.get $K) (i32.const 2)))
    (local.set $r0 (local.get $A))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $stride)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $stride)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $stride)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $stride)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $k))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $r0) (local.get $k))) (local.get $xv))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $r1) (local.get $k))) (local.get $xv))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $r2) (local.get $k))) (local.get $xv))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $r3) (local.get $k))) (local.get $xv))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $kLoop)))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
          (call $hsum4 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
        (local.set $r0 (i32.add (local.get $r3) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rowsLoop))))

  ;; C[m, n] = sum_k A[m, k] B[n, k] for m < M, n < N; C row stride ldc floats. Two rows of A times
  ;; four rows of B per pass (8 accumulators); an odd last row of A goes through matvec.
  (func (export "gemm") (param $A i32) (param $M i32) (param $B i32) (param $N i32) (param $K i32) (param $C i32) (param $ldc i32)
    (local $stride i32) (local $cstride i32) (local $m i32) (local $n i32) (local $k i32)
    (local $x0 i32) (local $x1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $c0 i32)
    (local $v0 v128) (local $v1 v128) (local $w v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $stride (i32.shl (local.get $K) (i32.const 2)))
    (local.set $cstride (i32.shl (local.get $ldc) (i32.const 2)))
    (block $mDone
      (loop $mLoop
        (br_if $mDone (i32.ge_u (i32.add (local.get $m) (i32.const 1)) (local.get $M)))
        (local.set $x0 (i32.add (local.get $A) (i32.mul (local.get $m) (local.get $stride))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $stride)))
        (local.set $c0 (i32.add (local.get $C) (i32.mul (local.get $m) (local.get $cstride))))
        (local.set $n (i32.const 0))
        (local.set $b0 (local.get $B))
        (block $nDone
          (loop $nLoop
            (br_if $nDone (i32.ge_u (local.get $n) (local.get $N)))
            (local.set $b1 (i32.add (local.get $b0) (local.get $stride)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $stride)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $stride)))
            (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
            (local.set $s02 (v128.const i32x4 0 0 0 0)) (local.set $s03 (v128.const i32x4 0 0 0 0))
            (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
            (local.set $s12 (v128.const i32x4 0 0 0 0)) (local.set $s13 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $k) (local.get $stride)))
                (local.set $v0 (v128.load (i32.add (local.get $x0) (local.get $k))))
                (local.set $v1 (v128.load (i32.add (local.get $x1) (local.get $k))))
                (local.set $w (v128.load (i32.add (local.get $b0) (local.get $k))))
                (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $v0) (local.get $w))))
                (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $v1) (local.get $w))))
                (local.set $w (v128.load (i32.add (local.get $b1) (local.get $k))))
                (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $v0) (local.get $w))))
                (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $v1) (local.get $w))))
                (local.set $w (v128.load (i32.add (local.get $b2) (local.get $k))))
                (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $v0) (local.get $w))))
                (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $v1) (local.get $w))))
                (local.set $w (v128.load (i32.add (local.get $b3) (local.get $k))))
                (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $v0) (local.get $w))))
                (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $v1) (local.get $w))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kLoop)))
            (v128.store (i32.add (local.get $c0) (i32.shl (local.get $n) (i32.const 2)))
              (call $hsum4 (local.get $s00) (local.get $s01) (local.get $s02) (local.get $s03)))
            (v128.store (i32.add (i32.add (local.get $c0) (local.get $cstride)) (i32.shl (local.get $n) (i32.const 2)))
              (call $hsum4 (local.get $s10) (local.get $s11) (local.get $s12) (local.get $s13)))
            (local.set $b0 (i32.add (local.get $b3) (local.get $stride)))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $nLoop)))
        (local.set $m (i32.add (local.get $m) (i32.const 2)))
        (br $mLoop)))
    (if (i32.lt_u (local.get $m) (local.get $M))
      (then
        (call $matvec (local.get $B) (local.get $N) (local.get $K)
          (i32.add (local.get $A) (i32.mul (local.get $m) (local.get $stride)))
          (i32.add (local.get $C) (i32.mul (local.get $m) (local.get $cstride)))))))

;; ---- Fused elementwise GRU step for f = Sigmoid, g = Tanh, no clip (the common case). ----
  ;; exp(y) for y <= 0 (callers pass -|x|): y clamped to >= -87 (2^n stays normal), n = nearest(y log2 e),
  ;; r = y - n ln2 (ln2 split in two for precision), e^r by its Taylor series to degree 7 (|r| <= 0.35:
  ;; truncation < 5e-9 relative), times 2^n built in the exponent bits. NaN in, NaN out.
  (func $expneg (param $y v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $y (f32x4.max (local.get $y) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $y) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r (f32x4.sub (local.get $y) (f32x4.mul (local.get $n) (v128.const f32x4 0.693145751953125 0.693145751953125 0.693145751953125 0.693145751953125))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6))))
    (local.set $p (v128.const f32x4 1.98412698e-4 1.98412698e-4 1.98412698e-4 1.98412698e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.38888889e-3 1.38888889e-3 1.38888889e-3 1.38888889e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.33333333e-3 8.33333333e-3 8.33333333e-3 8.33333333e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.16666667e-2 4.16666667e-2 4.16666667e-2 4.16666667e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.166666667 0.166666667 0.166666667 0.166666667)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; sigmoid(x) = 1 / (1 + e) for x >= 0, e / (1 + e) otherwise, e = exp(-|x|): never overflows.
  (func $sigmoid (param $x v128) (result v128)
    (local $e v128) (local $d v128)
    (local.set $e (call $expneg (f32x4.neg (f32x4.abs (local.get $x)))))
    (local.set $d (f32x4.add (local.get $e) (v128.const f32x4 1 1 1 1)))
    (v128.bitselect
      (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $d))
      (f32x4.div (local.get $e) (local.get $d))
      (f32x4.ge (local.get $x) (v128.const f32x4 0 0 0 0))))

  ;; tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|).
  (func $tanh (param $x v128) (result v128)
    (local $e v128)
    (local.set $e (call $expneg (f32x4.mul (f32x4.abs (local.get $x)) (v128.const f32x4 -2 -2 -2 -2))))
    (v128.or
      (f32x4.div (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $e)) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))
      (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

  ;; r, z for one row (G floats per gate block, blocks r, z, n at 0, G, 2G in xp/hp/bW/bR), and
  ;; rh = r * hprev (the reset-before-linear product's input).
  (func (export "stepRZ") (param $xp i32) (param $hp i32) (param $bW i32) (param $bR i32) (param $hprev i32)
      (param $r i32) (param $z i32) (param $rh i32) (param $G i32)
    (local $i i32) (local $end i32) (local $gb i32) (local $rv v128)
    (local.set $gb (i32.shl (local.get $G) (i32.const 2)))
    (local.set $end (local.get $gb))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $rv (call $sigmoid (f32x4.add
          (f32x4.add (v128.load (i32.add (local.get $xp) (local.get $i))) (v128.load (i32.add (local.get $bW) (local.get $i))))
          (f32x4.add (v128.load (i32.add (local.get $hp) (local.get $i))) (v128.load (i32.add (local.get $bR) (local.get $i)))))))
        (v128.store (i32.add (local.get $r) (local.get $i)) (local.get $rv))
        (v128.store (i32.add (local.get $rh) (local.get $i)) (f32x4.mul (local.get $rv) (v128.load (i32.add (local.get $hprev) (local.get $i)))))
        (v128.store (i32.add (local.get $z) (local.get $i)) (call $sigmoid (f32x4.add
          (f32x4.add (v128.load (i32.add (i32.add (local.get $xp) (local.get $gb)) (local.get $i))) (v128.load (i32.add (i32.add (local.get $bW) (local.get $gb)) (local.get $i))))
          (f32x4.add (v128.load (i32.add (i32.add (local.get $hp) (local.get $gb)) (local.get $i))) (v128.load (i32.add (i32.add (local.get $bR) (local.get $gb)) (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))

  ;; n and h for one row. lbr != 0: n = tanh(xn + bWn + r (hn + bRn)); else n = tanh(xn + bWn + (hn + bRn))
  ;; with hn = R_n (r * hprev). takeNew != 0: h = hprev + z (n - hprev); else h = n + z (hprev - n).
  ;; h may alias hprev (each lane is read before it is written).
  (func (export "stepNH") (param $xp i32) (param $hp i32) (param $bW i32) (param $bR i32) (param $hprev i32)
      (param $r i32) (param $z i32) (param $n i32) (param $h i32) (param $G i32) (param $lbr i32) (param $takeNew i32)
    (local $i i32) (local $end i32) (local $g2 i32) (local $lbrMask v128) (local $newMask v128)
    (local $nv v128) (local $hv v128) (local $a v128) (local $b v128)
    (local.set $g2 (i32.shl (local.get $G) (i32.const 3)))
    (local.set $end (i32.shl (local.get $G) (i32.const 2)))
    (local.set $lbrMask (i32x4.splat (i32.sub (i32.const 0) (i32.ne (local.get $lbr) (i32.const 0)))))
    (local.set $newMask (i32x4.splat (i32.sub (i32.const 0) (i32.ne (local.get $takeNew) (i32.const 0)))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $nv (call $tanh (f32x4.add
          (f32x4.add (v128.load (i32.add (i32.add (local.get $xp) (local.get $g2)) (local.get $i))) (v128.load (i32.add (i32.add (local.get $bW) (local.get $g2)) (local.get $i))))
          (f32x4.mul
            (v128.bitselect (v128.load (i32.add (local.get $r) (local.get $i))) (v128.const f32x4 1 1 1 1) (local.get $lbrMask))
            (f32x4.add (v128.load (i32.add (i32.add (local.get $hp) (local.get $g2)) (local.get $i))) (v128.load (i32.add (i32.add (local.get $bR) (local.get $g2)) (local.get $i))))))))
        (local.set $hv (v128.load (i32.add (local.get $hprev) (local.get $i))))
        (local.set $a (v128.bitselect (local.get $hv) (local.get $nv) (local.get $newMask)))
        (local.set $b (v128.bitselect (local.get $nv) (local.get $hv) (local.get $newMask)))
        (v128.store (i32.add (local.get $n) (local.get $i)) (local.get $nv))
        (v128.store (i32.add (local.get $h) (local.get $i))
          (f32x4.add (local.get $a) (f32x4.mul (v128.load (i32.add (local.get $z) (local.get $i))) (f32x4.sub (local.get $b) (local.get $a)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))
;; ---- Fused elementwise LSTM step for Sigmoid, Tanh, Tanh, no clip, no peepholes, no input_forget. ----
  ;; Blocks i, f, g, o at 0, G, 2G, 3G in xp/hp/bW/bR: i = sig(xi + bWi + (hi + bRi)), likewise f, o;
  ;; g = tanh(...); c = f c + i g (c updated in place); h = o tanh(c). Writes i, f, g, o, c, h (G floats each).
  (func (export "stepLSTM") (param $xp i32) (param $hp i32) (param $bW i32) (param $bR i32)
      (param $i i32) (param $f i32) (param $g i32) (param $o i32) (param $c i32) (param $h i32) (param $G i32)
    (local $k i32) (local $end i32) (local $gb i32) (local $iv v128) (local $fv v128) (local $gv v128) (local $ov v128) (local $cv v128)
    (local.set $gb (i32.shl (local.get $G) (i32.const 2)))
    (local.set $end (local.get $gb))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $iv (call $sigmoid (call $pre (local.get $xp) (local.get $hp) (local.get $bW) (local.get $bR) (local.get $k))))
        (local.set $fv (call $sigmoid (call $pre (local.get $xp) (local.get $hp) (local.get $bW) (local.get $bR) (i32.add (local.get $k) (local.get $gb)))))
        (local.set $gv (call $tanh (call $pre (local.get $xp) (local.get $hp) (local.get $bW) (local.get $bR) (i32.add (local.get $k) (i32.shl (local.get $gb) (i32.const 1))))))
        (local.set $ov (call $sigmoid (call $pre (local.get $xp) (local.get $hp) (local.get $bW) (local.get $bR) (i32.add (local.get $k) (i32.mul (local.get $gb) (i32.const 3))))))
        (local.set $cv (f32x4.add (f32x4.mul (local.get $fv) (v128.load (i32.add (local.get $c) (local.get $k)))) (f32x4.mul (local.get $iv) (local.get $gv))))
        (v128.store (i32.add (local.get $i) (local.get $k)) (local.get $iv))
        (v128.store (i32.add (local.get $f) (local.get $k)) (local.get $fv))
        (v128.store (i32.add (local.get $g) (local.get $k)) (local.get $gv))
        (v128.store (i32.add (local.get $o) (local.get $k)) (local.get $ov))
        (v128.store (i32.add (local.get $c) (local.get $k)) (local.get $cv))
        (v128.store (i32.add (local.get $h) (local.get $k)) (f32x4.mul (local.get $ov) (call $tanh (local.get $cv))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l))))

  ;; Pre-activation at byte offset $at of every row buffer: xp + bW + (hp + bR), the order PyTorch adds them.
  (func $pre (param $xp i32) (param $hp i32) (param $bW i32) (param $bR i32) (param $at i32) (result v128)
    (f32x4.add
      (f32x4.add (v128.load (i32.add (local.get $xp) (local.get $at))) (v128.load (i32.add (local.get $bW) (local.get $at))))
      (f32x4.add (v128.load (i32.add (local.get $hp) (local.get $at))) (v128.load (i32.add (local.get $bR) (local.get $at))))))
)
