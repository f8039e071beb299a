# Reference numbers for examples/{lenet,alexnet,vgg,nin,googlenet,batch-norm,resnet}.ts (PyTorch 1.13).
# Run with Debian's python3-torch: /usr/bin/python3 examples/reference/gen_cnn_numbers.py
import json, torch
from torch import nn
from torch.nn import functional as F

class Reshape(nn.Module):
    def forward(self, x): return x.view(-1, 1, 28, 28)

def listing(net, shape):
    X = torch.rand(size=shape)
    out = []
    for layer in net:
        X = layer(X)
        out.append([layer.__class__.__name__, list(X.shape)])
    return out

def count(net): return sum(p.numel() for p in net.parameters())

R = {}
lenet = nn.Sequential(Reshape(), nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
R["lenet"] = {"listing": listing(lenet, (1, 1, 28, 28)), "params": count(lenet)}

alex = nn.Sequential(
    nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2), nn.Flatten(),
    nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(p=0.5),
    nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(4096, 10))
R["alexnet"] = {"listing": listing(alex, (1, 1, 224, 224)), "params": count(alex)}

def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)
def vgg(conv_arch):
    blks, c = [], 1
    for (n, out) in conv_arch:
        blks.append(vgg_block(n, c, out)); c = out
    return nn.Sequential(*blks, nn.Flatten(), nn.Linear(c * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))
conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
small = [(p[0], p[1] // 4) for p in conv_arch]
R["vgg"] = {"listing": listing(vgg(conv_arch), (1, 1, 224, 224)), "params": count(vgg(conv_arch)),
            "smallListing": listing(vgg(small), (1, 1, 224, 224)), "smallParams": count(vgg(small))}

def nin_block(i, o, k, s, p):
    return nn.Sequential(nn.Conv2d(i, o, k, s, p), nn.ReLU(), nn.Conv2d(o, o, 1), nn.ReLU(), nn.Conv2d(o, o, 1), nn.ReLU())
ninnet = nn.Sequential(nin_block(1, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2), nin_block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
    nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2), nn.Dropout(0.5), nin_block(384, 10, 3, 1, 1),
    nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
R["nin"] = {"listing": listing(ninnet, (1, 1, 224, 224)), "params": count(ninnet),
            "listing96": listing(ninnet, (1, 1, 96, 96))}

class Inception(nn.Module):
    def __init__(self, i, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(i, c1, 1); self.p2_1 = nn.Conv2d(i, c2[0], 1); self.p2_2 = nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.p3_1 = nn.Conv2d(i, c3[0], 1); self.p3_2 = nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.p4_1 = nn.MaxPool2d(3, stride=1, padding=1); self.p4_2 = nn.Conv2d(i, c4, 1)
    def forward(self, x):
        return torch.cat((F.relu(self.p1_1(x)), F.relu(self.p2_2(F.relu(self.p2_1(x)))),
                          F.relu(self.p3_2(F.relu(self.p3_1(x)))), F.relu(self.p4_2(self.p4_1(x)))), dim=1)
b1 = nn.Sequential(nn.Conv2d(1, 64, 7, stride=2, padding=3), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1))
b2 = nn.Sequential(nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1))
b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32), Inception(256, 128, (128, 192), (32, 96), 64), nn.MaxPool2d(3, stride=2, padding=1))
b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64), Inception(512, 160, (112, 224), (24, 64), 64),
                   Inception(512, 128, (128, 256), (24, 64), 64), Inception(512, 112, (144, 288), (32, 64), 64),
                   Inception(528, 256, (160, 320), (32, 128), 128), nn.MaxPool2d(3, stride=2, padding=1))
b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128), Inception(832, 384, (192, 384), (48, 128), 128),
                   nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
goog = nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))
R["googlenet"] = {"listing": listing(goog, (1, 1, 96, 96)), "params": count(goog),
                  "inception": list(Inception(192, 64, (96, 128), (16, 32), 32)(torch.rand(2, 192, 12, 12)).shape)}

# batch norm from scratch (d2l) on fixed inputs, and torch's own F.batch_norm for comparison
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if len(X.shape) == 2:
        mean = X.mean(dim=0); var = ((X - mean) ** 2).mean(dim=0)
    else:
        mean = X.mean(dim=(0, 2, 3), keepdim=True); var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
    moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var
X4 = (torch.arange(2 * 2 * 2 * 2, dtype=torch.float32).reshape(2, 2, 2, 2) ** 2) / 10
g4, b4_ = torch.tensor([1.0, 2.0]).reshape(1, 2, 1, 1), torch.tensor([0.0, 0.5]).reshape(1, 2, 1, 1)
Y, mm, mv = batch_norm(X4, g4, b4_, torch.zeros(1, 2, 1, 1), torch.ones(1, 2, 1, 1), 1e-5, 0.9)
rm, rv = torch.zeros(2), torch.ones(2)
Yt = F.batch_norm(X4, rm, rv, torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.5]), training=True, momentum=0.1, eps=1e-5)
Ye = (X4 - mm) / torch.sqrt(mv + 1e-5) * g4 + b4_
X2 = torch.tensor([[1.0, 2.0, -1.0], [3.0, 0.0, 1.0], [2.0, 4.0, 0.0], [6.0, -2.0, 2.0]])
Y2, mm2, mv2 = batch_norm(X2, torch.ones(3), torch.zeros(3), torch.zeros(3), torch.ones(3), 1e-5, 0.9)
R["batchNorm"] = {"X4": X4.tolist(), "Y4": Y.tolist(), "movingMean4": mm.flatten().tolist(), "movingVar4": mv.flatten().tolist(),
                  "torchY4": Yt.tolist(), "torchRunningMean4": rm.tolist(), "torchRunningVar4": rv.tolist(), "evalY4": Ye.tolist(),
                  "X2": X2.tolist(), "Y2": Y2.tolist(), "movingMean2": mm2.tolist(), "movingVar2": mv2.tolist()}
lbn = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(), nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(), nn.Linear(84, 10))
R["lenetBatchNorm"] = {"listing": listing(lbn.train(), (2, 1, 28, 28)), "params": count(lbn)}

class Residual(nn.Module):
    def __init__(self, i, n, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(i, n, 3, padding=1, stride=strides); self.conv2 = nn.Conv2d(n, n, 3, padding=1)
        self.conv3 = nn.Conv2d(i, n, 1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(n); self.bn2 = nn.BatchNorm2d(n)
    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X))); Y = self.bn2(self.conv2(Y))
        if self.conv3: X = self.conv3(X)
        return F.relu(Y + X)
def resnet_block(i, n, k, first_block=False):
    return [Residual(i, n, use_1x1conv=True, strides=2) if j == 0 and not first_block else Residual(n, n) for j in range(k)]
rb1 = nn.Sequential(nn.Conv2d(1, 64, 7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1))
res = nn.Sequential(rb1, nn.Sequential(*resnet_block(64, 64, 2, True)), nn.Sequential(*resnet_block(64, 128, 2)),
    nn.Sequential(*resnet_block(128, 256, 2)), nn.Sequential(*resnet_block(256, 512, 2)), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))
X = torch.rand(4, 3, 6, 6)
R["resnet"] = {"same": list(Residual(3, 3)(X).shape), "halved": list(Residual(3, 6, use_1x1conv=True, strides=2)(X).shape),
               "listing": listing(res, (1, 1, 96, 96)), "listing224": listing(res, (1, 1, 224, 224)), "params": count(res)}
print(json.dumps(R))
