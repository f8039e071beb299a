# The concise MLP of examples/mlp-concise.ts in PyTorch 1.13 with several seeds (docs/results.md): /usr/bin/python3 examples/reference/pytorch_mlp_seeds.py 0 1
import gzip, numpy as np, torch, sys, time
from torch import nn
torch.set_num_threads(1)
def idx(p):
    with gzip.open(p) as f: b=f.read()
    magic=int.from_bytes(b[:4],'big'); n=int.from_bytes(b[4:8],'big')
    if magic==2051: return np.frombuffer(b,dtype=np.uint8,offset=16).reshape(n,28,28)
    return np.frombuffer(b,dtype=np.uint8,offset=8)
root='/usr/share/datasets/fashion-mnist/'
Xtr=torch.tensor(idx(root+'train-images-idx3-ubyte.gz').copy()).float().div(255).unsqueeze(1); ytr=torch.tensor(idx(root+'train-labels-idx1-ubyte.gz').copy()).long()
Xte=torch.tensor(idx(root+'t10k-images-idx3-ubyte.gz').copy()).float().div(255).unsqueeze(1); yte=torch.tensor(idx(root+'t10k-labels-idx1-ubyte.gz').copy()).long()
for seed in [int(s) for s in sys.argv[1:]]:
    torch.manual_seed(seed)
    net=nn.Sequential(nn.Flatten(),nn.Linear(784,256),nn.ReLU(),nn.Linear(256,10))
    def init(m):
        if type(m)==nn.Linear: nn.init.normal_(m.weight,std=0.01)
    net.apply(init)
    loss=nn.CrossEntropyLoss(reduction='none'); opt=torch.optim.SGD(net.parameters(),lr=0.1)
    accs=[]
    for ep in range(10):
        perm=torch.randperm(60000)
        for i in range(0,60000,256):
            j=perm[i:i+256]; l=loss(net(Xtr[j]),ytr[j]); opt.zero_grad(); l.mean().backward(); opt.step()
        with torch.no_grad(): accs.append((net(Xte).argmax(1)==yte).float().mean().item())
    print(seed, ' '.join(f'{a:.3f}' for a in accs), flush=True)
