#@title gritloc setup: Drive, Node, gritloc (CUDA 12 onnxruntime), tslab kernel, %%tslab { display-mode: "form" }
# Run this cell first in every notebook (and again after a runtime restart); a second run skips what is installed.
# In Colab it mounts Drive, installs Node 22 (nodejs.org), gritloc with onnxruntime-node's CUDA 12 provider and
# tslab into /content/gritloc, registers the tslab kernel and loads the %%tslab bridge. Elsewhere (Jupyter on a
# gritloc checkout, CI) it only registers the kernel from the checkout and loads the bridge.
# Blank: install gritloc from the GitHub repository and branch this notebook was opened from (Colab's
# colab.research.google.com/github/<owner>/<repo>/blob/<branch>/... URL). Or a git spec (github:owner/gritloc#ref)
# or the path of an `npm pack` tarball on Drive.
GRITLOC_PACKAGE = ""  #@param {type:"string"}
MOUNT_DRIVE = True  #@param {type:"boolean"}

import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
import urllib.request

NODE_MAJOR = 22  # ≥ 20.19 is required (require(esm)); 22 is the LTS line used here
# A dependency's "overrides" are ignored by npm, so the Colab project repeats gritloc's (package.json; a test keeps
# them equal): danfojs-node's own xlsx and tfjs-node (libtensorflow) downloads are avoided.
NPM_OVERRIDES = {"xlsx": "0.18.5", "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@3.21.0"}
GRITLOC_HOME = pathlib.Path(os.environ.get("GRITLOC_HOME", "/content/gritloc"))


def _run(cmd, **kw):
    """Runs a command, streaming its output into the cell (a child writing to the kernel's own stdout would
    not show in the notebook)."""
    print("$", " ".join(str(c) for c in cmd), flush=True)
    with subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          **kw) as child:
        for line in child.stdout:
            print(line, end="", flush=True)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, cmd)


def _node_ok(node):
    try:
        out = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    major, minor = (int(x) for x in out.strip().lstrip("v").split(".")[:2])
    return (major, minor) >= (20, 19)


def _install_node(dest):
    """The latest Node NODE_MAJOR.x Linux x64 build from nodejs.org, checked against its SHASUMS256.txt."""
    base = "https://nodejs.org/dist/latest-v%d.x/" % NODE_MAJOR
    sums = urllib.request.urlopen(base + "SHASUMS256.txt", timeout=60).read().decode()
    digest, name = next(line.split() for line in sums.splitlines() if line.endswith("-linux-x64.tar.xz"))
    archive = pathlib.Path("/tmp") / name
    print("downloading", base + name, flush=True)
    urllib.request.urlretrieve(base + name, archive)
    if hashlib.sha256(archive.read_bytes()).hexdigest() != digest:
        raise RuntimeError("%s does not match nodejs.org's SHASUMS256.txt; run the cell again" % archive)
    with tarfile.open(archive) as tar:
        tar.extractall("/tmp", **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    shutil.rmtree(dest, ignore_errors=True)
    shutil.move(str(archive.with_suffix("").with_suffix("")), str(dest))


def github_origin(sessions):
    """`github:owner/repo#branch` from the Jupyter sessions Colab reports (a notebook opened from GitHub has the
    GitHub URL in its session path), or None."""
    for session in sessions if isinstance(sessions, list) else []:
        path = urllib.parse.unquote(str((session or {}).get("path") or ""))
        match = re.search(r"github(?:\.com)?/([\w.-]+)/([\w.-]+)/blob/([^/?#]+)/", path)
        if match:
            return "github:%s/%s#%s" % match.groups()
    return None


def _colab_github_origin():
    """Asks the Colab runtime's Jupyter server which notebook is open; None when that cannot be told."""
    host = os.environ.get("COLAB_JUPYTER_IP", "172.28.0.12")
    port = os.environ.get("KMP_TARGET_PORT", "9000")
    try:
        with urllib.request.urlopen("http://%s:%s/api/sessions" % (host, port), timeout=5) as answer:
            return github_origin(json.load(answer))
    except (OSError, ValueError):
        return None


def package_source(explicit, env, detect):
    """What to `npm install`: the form field, else $GRITLOC_PACKAGE, else the GitHub origin of this notebook."""
    source = (explicit or "").strip() or env.get("GRITLOC_PACKAGE", "").strip() or detect()
    if not source:
        raise RuntimeError(
            "Cannot tell which repository this notebook came from (it was not opened from GitHub). Set "
            "GRITLOC_PACKAGE in this cell to github:<owner>/<repo> (the gritloc repository, optionally #branch) "
            "or to the path of a tarball made by `npm pack` and copied to Drive, then run the cell again.")
    return source


def _install_gritloc(home, node_bin, package):
    """gritloc from `package` into an npm project at `home`, with onnxruntime-node's CUDA 12 provider."""
    home.mkdir(parents=True, exist_ok=True)
    stamp = home / ".gritloc-package"
    installed = home / "node_modules" / "gritloc" / "dist" / "index.js"
    if installed.exists() and stamp.exists() and stamp.read_text() == package:
        print("gritloc already installed from", package)
        return
    # npm 11 lists dependencies' install scripts that package.json's allowScripts does not cover, and has said a
    # later release will block them; npm 10 runs them all. onnxruntime-node's postinstall fetches the CUDA
    # provider; a git install of gritloc builds dist/ in its prepare script (git and tarball sources are
    # matched by their spec, registry packages by name).
    allow = {name: True for name in ("onnxruntime-node", "sharp", "zeromq", "protobufjs", package)}
    project = {"name": "gritloc-colab", "private": True, "allowScripts": allow, "overrides": NPM_OVERRIDES}
    (home / "package.json").write_text(json.dumps(project, indent=2))
    # The environment variable, not `--onnxruntime-node-install=cuda12`: npm 11 warns that unknown CLI configs
    # stop working in its next major version; onnxruntime-node's install script reads both.
    env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL="cuda12", PATH=str(node_bin) + os.pathsep + os.environ["PATH"])
    _run([node_bin / "npm", "install", "--no-audit", "--no-fund", package], cwd=home, env=env)
    if not installed.exists():
        raise RuntimeError("%s has no dist/: install from a tarball made by `npm pack` (set GRITLOC_PACKAGE to "
                           "its path on Drive) or allow gritloc's prepare script" % installed.parent.parent)
    ort = home / "node_modules" / "onnxruntime-node"
    if not list(ort.glob("bin/napi-v*/linux/x64/libonnxruntime_providers_cuda.so")):
        # The postinstall was skipped: run it directly, it is what fetches the CUDA 12 provider.
        _run([node_bin / "node", ort / "script" / "install.js"], cwd=ort, env=env)
    stamp.write_text(package)


def _find_checkout():
    for folder in [pathlib.Path(os.environ.get("GRITLOC_REPO", os.getcwd())).resolve(), *pathlib.Path.cwd().parents]:
        package = folder / "package.json"
        if package.exists() and json.loads(package.read_text()).get("name") == "gritloc":
            return folder
    raise RuntimeError("not in Colab and no gritloc checkout above %s; set GRITLOC_REPO" % os.getcwd())


def gritloc_bootstrap():
    try:
        import google.colab  # noqa: F401  (present only on Colab runtimes)
        in_colab = True
    except ImportError:
        in_colab = False

    if in_colab:
        if MOUNT_DRIVE:
            from google.colab import drive
            drive.mount("/content/drive")
            os.environ.setdefault("GRITLOC_WORK", "/content/drive/MyDrive/gritloc")
        node_dir = pathlib.Path("/content/node-v%d" % NODE_MAJOR)
        if not _node_ok(node_dir / "bin" / "node"):
            _install_node(node_dir)
        node_bin = node_dir / "bin"
        os.environ["PATH"] = str(node_bin) + os.pathsep + os.environ["PATH"]
        package_spec = package_source(GRITLOC_PACKAGE, os.environ, _colab_github_origin)
        print("installing gritloc from", package_spec, flush=True)
        _install_gritloc(GRITLOC_HOME, node_bin, package_spec)
        package, kernel_cwd, node = GRITLOC_HOME / "node_modules" / "gritloc", GRITLOC_HOME, node_bin / "node"
        prefix = GRITLOC_HOME / "jupyter"
    else:
        package = kernel_cwd = _find_checkout()
        node = pathlib.Path(os.environ.get("GRITLOC_NODE") or shutil.which("node") or "node")
        if not _node_ok(node):
            raise RuntimeError("Node ≥ 20.19 is needed (found %s); set GRITLOC_NODE to one" % node)
        if not (package / "dist" / "cli.js").exists():
            raise RuntimeError("%s has no dist/; run `npm run build` there first" % package)
        prefix = pathlib.Path(os.environ.get("GRITLOC_KERNEL_PREFIX", package / ".gritloc" / "jupyter"))

    _run([node, package / "dist" / "cli.js", "kernel", "install", "--prefix", prefix, "--python", sys.executable])
    jupyter_path = str(prefix / "share" / "jupyter")
    if jupyter_path not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (jupyter_path, os.environ.get("JUPYTER_PATH")) if p)
    os.environ["TSLAB_BRIDGE_CWD"] = str(kernel_cwd)

    gpu = shutil.which("nvidia-smi")
    if gpu:
        _run([gpu, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"])
    else:
        print("no NVIDIA GPU found (nvidia-smi): inference runs on CPU" +
              (" (Runtime > Change runtime type > GPU)" if in_colab else ""))

    if str(package / "colab") not in sys.path:
        sys.path.insert(0, str(package / "colab"))
    get_ipython().run_line_magic("load_ext", "tslab_bridge")  # noqa: F821  (IPython provides get_ipython)
    import tslab_bridge
    tslab_bridge.get_bridge().ensure_started()
    print("%%tslab is ready: TypeScript cells run on Node", subprocess.run(
        [str(node), "--version"], capture_output=True, text=True).stdout.strip(), "in", kernel_cwd)


gritloc_bootstrap()
