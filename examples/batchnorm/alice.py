"""Alice: a correct BatchNorm2d (keepdim statistics, copy_ into the buffers)."""
import torch
import torch.nn as nn


class BatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        dims = [0, 2, 3]
        if self.training:
            mu = torch.mean(x, dim=dims, keepdim=True)
            sigma2 = torch.mean((x - mu) ** 2, dim=dims, keepdim=True)
            count = x.shape[0] * x.shape[2] * x.shape[3]
            with torch.no_grad():
                new_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu.squeeze()
                new_var = (1 - self.momentum) * self.running_var + self.momentum * sigma2.squeeze() * count / (count - 1)
                self.running_mean.copy_(new_mean)
                self.running_var.copy_(new_var)
        else:
            mu = self.running_mean.reshape(1, -1, 1, 1)
            sigma2 = self.running_var.reshape(1, -1, 1, 1)
        normalised = (x - mu) / torch.sqrt(sigma2 + self.eps)
        return normalised * self.weight.reshape(1, -1, 1, 1) + self.bias.reshape(1, -1, 1, 1)
