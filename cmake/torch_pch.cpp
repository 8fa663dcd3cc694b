// Compiles the shared precompiled <torch/torch.h> (cmake/torch_pch.cmake); no code of its own.
