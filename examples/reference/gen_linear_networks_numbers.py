# Reference numbers asserted by examples/autograd.ts through examples/read-write-files.ts (PyTorch 1.13, torchvision 0.14).
# Run with Debian's python3-torch: /usr/bin/python3 examples/reference/gen_linear_networks_numbers.py
import torch, torchvision, math
from torch import nn
from torch.nn import functional as F
torch.set_printoptions(precision=4)
# autograd
x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x); y.backward(); print("grad", x.grad)
y = x.sum(); y.backward(); print("accum", x.grad)
x.grad.zero_(); y = x.sum(); y.backward(); print("zeroed", x.grad)
# fashion mnist
tr = torchvision.datasets.FashionMNIST("/tmp/w3c/fm", train=True, transform=torchvision.transforms.ToTensor(), download=False) if False else None
import torch, torchvision, math
from torch import nn
from torch.nn import functional as F
from torchvision import transforms
from torch.utils import data
torch.set_printoptions(precision=4)
tr = torchvision.datasets.FashionMNIST("/tmp/w3c/fm", train=True, transform=transforms.ToTensor())
te = torchvision.datasets.FashionMNIST("/tmp/w3c/fm", train=False, transform=transforms.ToTensor())
print(len(tr), len(te), tr[0][0].shape)
X, y = next(iter(data.DataLoader(tr, batch_size=18)))
print("labels18", y.tolist(), "sum", X.sum().item(), "x0 mean", X[0].mean().item())
t2 = torchvision.datasets.FashionMNIST("/tmp/w3c/fm", train=True, transform=transforms.Compose([transforms.Resize(64), transforms.ToTensor()]))
X, y = next(iter(data.DataLoader(t2, batch_size=32)))
print(X.shape, X.dtype, y.shape, y.dtype, "sum", X.sum().item(), X[0].mean().item())
# softmax worked example
y = torch.tensor([0, 2]); y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print("pick", y_hat[[0, 1], y]); print("ce", -torch.log(y_hat[range(len(y_hat)), y]))
Xs = torch.tensor([[1., 2., 3.], [0., 0., 0.]])
e = torch.exp(Xs); print("softmax", e / e.sum(1, keepdim=True))
print("ce builtin", F.cross_entropy(torch.tensor([[1., 2., 3.], [1., 0., -1.]]), torch.tensor([2, 0])).item())
# dropout
X = torch.arange(16, dtype=torch.float32).reshape((2, 8)); print(X)
# custom layers
print(torch.FloatTensor([1, 2, 3, 4, 5]) - torch.FloatTensor([1, 2, 3, 4, 5]).mean())
# param mgmt
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
print(net[2].state_dict().keys())
print(*[(name, param.shape) for name, param in net[0].named_parameters()])
print(*[(name, param.shape) for name, param in net.named_parameters()])
def init_constant(m):
    if type(m) == nn.Linear: nn.init.constant_(m.weight, 1); nn.init.zeros_(m.bias)
net.apply(init_constant)
Xf = torch.arange(8, dtype=torch.float32).reshape(2, 4) / 8
print("const out", net(Xf))
def block1(): return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
def block2():
    net = nn.Sequential()
    for i in range(4): net.add_module(f'block{i}', block1())
    return net
rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
print(rgnet)
print(rgnet[0][1][0].bias.shape)
def xavier(m):
    if type(m) == nn.Linear: nn.init.xavier_uniform_(m.weight)
print("xavier bound 4->8", math.sqrt(6/(4+8)))
# shared params with constant 0.1 weights, bias 0.0, gradient
shared = nn.Linear(8, 8)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))
for m in net:
    if type(m) == nn.Linear: nn.init.constant_(m.weight, 0.1); nn.init.constant_(m.bias, 0.01)
out = net(Xf); print("shared out", out.detach().tolist())
out.sum().backward(); print("shared grad", net[2].weight.grad[0].tolist(), net[2].bias.grad.tolist(), net[0].weight.grad[0].tolist())
# weight decay: one SGD step
lin = nn.Linear(3, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[0.5, -1.0, 2.0]])); lin.bias.fill_(0.3)
opt = torch.optim.SGD([{"params": lin.weight, "weight_decay": 3}, {"params": lin.bias}], lr=0.003)
Xw = torch.tensor([[1., 2., 3.], [-1., 0.5, 2.]]); yw = torch.tensor([[1.], [0.]])
l = nn.MSELoss()(lin(Xw), yw); opt.zero_grad(); l.backward(); opt.step()
print("wd loss", l.item(), lin.weight.data.tolist(), lin.bias.data.tolist())
# poly
max_degree = 20
f = torch.tensor([[2.0]])
pf = torch.pow(f, torch.arange(max_degree).reshape(1, -1))
for i in range(max_degree): pf[:, i] /= math.gamma(i + 1)
print("poly x=2", pf[0, :6])
# linear regression squared loss
yh = torch.tensor([[1.], [2.]]); print("sq", ((yh - torch.tensor([1.5, 1.]).reshape(yh.shape))**2/2).tolist())
# read write
x = torch.arange(4); y = torch.zeros(4); print(x); print(y); print({'x': x, 'y': y})
class MLP(nn.Module):
    def __init__(self):
        super().__init__(); self.hidden = nn.Linear(20, 256); self.output = nn.Linear(256, 10)
    def forward(self, x): return self.output(F.relu(self.hidden(x)))
print(MLP().eval())
net = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10)); print(net)
