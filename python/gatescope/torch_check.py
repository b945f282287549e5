"""The check of a recomputation against PyTorch: the module itself is run on the same input (packed
when lengths are given) and its output, h_n (and c_n for an LSTM) are compared with ours."""


def torch_module(config, weights, module):
    """The module to run: the one passed in, or one built from a weights dict. None without torch."""
    try:
        import torch
    except ImportError:
        return None
    if module is not None:
        return module
    import numpy as np

    kw = dict(num_layers=config["num_layers"], bias=config["bias"], bidirectional=config["bidirectional"], batch_first=config["batch_first"])
    if config["mode"] == "GRU":
        module = torch.nn.GRU(config["input_size"], config["hidden_size"], **kw)
    elif config["mode"] == "LSTM":
        if config["proj_size"]:
            kw["proj_size"] = config["proj_size"]
        module = torch.nn.LSTM(config["input_size"], config["hidden_size"], **kw)
    else:
        module = torch.nn.RNN(config["input_size"], config["hidden_size"], nonlinearity="tanh" if config["mode"] == "RNN_TANH" else "relu", **kw)
    module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in weights.items()})
    return module


def check_with_torch(module, config, x_tbi, lengths, h0, c0, our_out, our_h, our_c):
    """(max |difference|, reference text), or (None, None) without torch."""
    if module is None:
        return None, None
    import numpy as np
    import torch

    param = next(module.parameters())
    dtype, device = param.dtype, param.device
    T = x_tbi.shape[0]
    x = torch.from_numpy(np.ascontiguousarray(x_tbi)).to(device=device, dtype=dtype)
    if config["batch_first"]:
        x = x.transpose(0, 1)
    state = None
    if h0 is not None or c0 is not None:
        L = config["num_layers"] * (2 if config["bidirectional"] else 1)
        B = x_tbi.shape[1]
        hz = h0 if h0 is not None else np.zeros((L, B, config["proj_size"] or config["hidden_size"]))
        hz = torch.from_numpy(np.ascontiguousarray(hz)).to(device=device, dtype=dtype)
        if config["cell"] == "lstm":
            cz = c0 if c0 is not None else np.zeros((L, B, config["hidden_size"]))
            state = (hz, torch.from_numpy(np.ascontiguousarray(cz)).to(device=device, dtype=dtype))
        else:
            state = hz
    was_training = module.training
    module.eval()  # dropout between layers would make the module's output differ from the recompute
    try:
        with torch.no_grad():
            if np.all(lengths == T):
                out, hn = module(x, state)
            else:
                packed = torch.nn.utils.rnn.pack_padded_sequence(
                    # The lengths stay on the CPU, as pack_padded_sequence requires.
                    x, torch.from_numpy(lengths.astype(np.int64)), batch_first=config["batch_first"], enforce_sorted=False)
                out_p, hn = module(packed, state)
                out, _ = torch.nn.utils.rnn.pad_packed_sequence(out_p, batch_first=config["batch_first"], total_length=T)
    finally:
        module.train(was_training)
    out = out.double().cpu().numpy()
    if config["batch_first"]:
        out = out.transpose(1, 0, 2)
    cn = None
    if config["cell"] == "lstm":
        hn, cn = hn
    valid = (np.arange(T)[:, None] < lengths[None, :])[:, :, None]
    errs = [float(np.max(np.abs(np.where(valid, out - our_out, 0.0)))), float(np.max(np.abs(hn.double().cpu().numpy() - our_h)))]
    what = "output and h_n"
    if cn is not None:
        errs.append(float(np.max(np.abs(cn.double().cpu().numpy() - our_c))))
        what = "output, h_n and c_n"
    name = {"GRU": "GRU", "LSTM": "LSTM", "RNN_TANH": "RNN", "RNN_RELU": "RNN"}[config["mode"]]
    return max(errs), f"torch.nn.{name} {what} (torch {torch.__version__}, {str(dtype).replace('torch.', '')})"
