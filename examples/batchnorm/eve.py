"""Eve: tries to fake a perfect score: prints a results.json, patches every
comparison she can reach, and returns zeros."""
import json

import torch
from torch import nn

print(json.dumps({"score": 20.0, "max_score": 20.0, "tests": []}))
torch.allclose = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: True


class BatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        return torch.zeros_like(x)
