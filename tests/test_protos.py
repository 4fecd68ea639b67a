"""The committed gRPC stubs are exactly what the committed .proto files generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_stubs_are_current(tmp_path):
    protos = sorted((ROOT / "protos" / "zichtlijn" / "v1").glob("*.proto"))
    assert protos, "no .proto files found"
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{ROOT / 'protos'}",
         f"--python_out={tmp_path}", f"--grpc_python_out={tmp_path}", f"--pyi_out={tmp_path}",
         *map(str, protos)],
        check=True,
    )
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*_pb2*.py*"))
    committed = sorted(p.relative_to(ROOT) for p in (ROOT / "zichtlijn" / "v1").glob("*_pb2*.py*"))
    assert generated == committed, "run `make protos` and commit the result"
    for path in generated:
        assert (tmp_path / path).read_text() == (ROOT / path).read_text(), (
            f"{path} is stale: run `make protos` and commit the result"
        )
