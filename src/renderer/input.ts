// Pointer, wheel and keyboard on the heatmaps. Hover moves the crosshair; a click selects a cell for
// the detail plots; a drag pans; Ctrl/Cmd+wheel zooms time (with Shift: units) about the pointer; a
// sideways wheel pans time. Keys: arrows move a cursor cell (Shift: by 10), Home/End, Enter or Space
// selects, + and − zoom time (Alt: units) about the cursor, 0 resets, Esc clears the selection.
// What each gesture does to the view state is in src/core/view/viewport.ts.
import { cellAt } from '../core/view/range';
import { cursorOf, moveCursor, panView, zoomViewAt, zoomViewAtCursor } from '../core/view/viewport';
import type { OwnUnit } from './cell-report';
import type { Overlay } from './overlay';
import type { ViewContext } from './view-context';

/** The one line under a view that says all of the above. */
export const INPUT_HELP =
  'Hover for values · click a cell to plot its unit over time and its step across units · Ctrl+wheel zooms time (Shift: units) · drag pans · keys: arrows move, Enter selects, + − zoom, 0 resets, Esc clears';

/** Zoom factor of one + or − key press. */
const ZOOM_STEP = 1.25;
/** Pixels a pressed pointer moves before a click becomes a drag. */
const DRAG_PX = 4;

/** What the input asks the view to do. */
export interface InputActions {
  /** The visible ranges changed: clamp them, redraw, save. */
  viewChanged(): void;
  /** Selects the cell at (step, display row) for the detail plots. */
  select(step: number, row: number): void;
  resetZoom(): void;
  announceCursor(): void;
  announceSelected(step: number, row: number): void;
}

interface Hit {
  step: number;
  row: number;
  gate: string;
  own?: OwnUnit;
}

/** Listens on the stack of `v` until the returned function is called. */
export function wireInput(v: ViewContext, overlay: Overlay, act: InputActions): () => void {
  const disposers: (() => void)[] = [];
  const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
    v.stack.addEventListener(type, fn as EventListener, opts);
    disposers.push(() => v.stack.removeEventListener(type, fn as EventListener, opts));
  };
  let pointer: { id: number; x: number; y: number; moved: boolean; gate: string } | undefined;

  on('pointermove', (e) => {
    if (pointer && pointer.id === e.pointerId) {
      const dx = e.clientX - pointer.x;
      const dy = e.clientY - pointer.y;
      if (!pointer.moved && Math.abs(dx) + Math.abs(dy) < DRAG_PX) return;
      pointer.moved = true;
      pointer.x = e.clientX;
      pointer.y = e.clientY;
      panView(v.state, v.dims, 'steps', -dx, v.plotWidth);
      panView(v.state, v.dims, 'units', -dy, v.gateHeight);
      act.viewChanged();
      return;
    }
    const c = cellFromEvent(v, e);
    const next = c ? { step: c.step, row: c.row, ...(c.own ? { own: c.own } : {}) } : undefined;
    const hover = overlay.hover;
    if (next?.step !== hover?.step || next?.row !== hover?.row || next?.own?.unit !== hover?.own?.unit) {
      overlay.hover = next;
      v.invalidate({ overlay: true });
    }
  });
  on('pointerleave', () => {
    overlay.hover = undefined;
    v.invalidate({ overlay: true });
  });
  on('pointerdown', (e) => {
    if (e.button !== 0) return;
    const c = cellFromEvent(v, e);
    if (!c) return;
    pointer = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false, gate: c.gate };
    try {
      v.stack.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic pointers cannot be captured; dragging still works inside the stack.
    }
  });
  on('pointerup', (e) => {
    const p = pointer;
    pointer = undefined;
    if (!p || p.id !== e.pointerId || p.moved) return;
    const c = cellFromEvent(v, e);
    if (c) {
      v.state.cursor = { step: c.step, row: c.row };
      act.select(c.step, c.row);
    }
  });
  on(
    'wheel',
    (e) => {
      const c = cellFromEvent(v, e);
      if (!c) return;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.0025)));
        const rect = v.panels[c.gate]!.canvas.getBoundingClientRect();
        if (e.shiftKey) zoomViewAt(v.state, v.dims, 'units', factor, (e.clientY - rect.top) / rect.height);
        else zoomViewAt(v.state, v.dims, 'steps', factor, (e.clientX - rect.left) / rect.width);
        act.viewChanged();
      } else if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        panView(v.state, v.dims, 'steps', e.deltaX, v.plotWidth);
        act.viewChanged();
      }
    },
    { passive: false },
  );
  on('keydown', (e) => onKey(v, overlay, act, e));
  on('focus', () => {
    cursorOf(v.state, v.dims);
    act.announceCursor();
    v.invalidate({ overlay: true });
  });
  on('blur', () => v.invalidate({ overlay: true }));
  return () => {
    for (const d of disposers.splice(0)) d();
  };
}

function onKey(v: ViewContext, overlay: Overlay, act: InputActions, e: KeyboardEvent): void {
  const c = cursorOf(v.state, v.dims);
  if (moveCursor(v.state, v.dims, e.key, e.shiftKey)) {
    e.preventDefault();
    overlay.hover = undefined;
    act.announceCursor();
    act.viewChanged();
    return;
  }
  switch (e.key) {
    case 'Enter':
    case ' ':
      act.select(c.step, c.row);
      act.announceSelected(c.step, c.row);
      break;
    case '+':
    case '=':
      zoomViewAtCursor(v.state, v.dims, e.altKey ? 'units' : 'steps', 1 / ZOOM_STEP);
      act.viewChanged();
      break;
    case '-':
    case '_':
      zoomViewAtCursor(v.state, v.dims, e.altKey ? 'units' : 'steps', ZOOM_STEP);
      act.viewChanged();
      break;
    case '0':
      act.resetZoom();
      break;
    case 'Escape':
      v.state.selected = undefined;
      v.invalidate({ plots: true });
      break;
    default:
      return;
  }
  e.preventDefault();
}

/** The cell under a pointer event, on whichever shown gate it is over. */
function cellFromEvent(v: ViewContext, e: MouseEvent): Hit | undefined {
  const d = v.data;
  for (const g of d.names) {
    const rect = v.panels[g]!.canvas.getBoundingClientRect();
    if (e.clientY >= rect.top && e.clientY < rect.bottom && e.clientX >= rect.left && e.clientX < rect.right) {
      const hit: Hit = {
        step: cellAt(v.steps, e.clientX - rect.left, rect.width, d.steps),
        row: cellAt(v.units, e.clientY - rect.top, rect.height, d.units),
        gate: g,
      };
      if (d.ownUnits(g)) {
        const own = d.gates[g]!.units;
        hit.own = { gate: g, unit: cellAt({ start: 0, end: own }, e.clientY - rect.top, rect.height, own) };
      }
      return hit;
    }
  }
  return undefined;
}
