"""Import a built collection tarball with galaxy-importer, as a Galaxy server would, and fail on any warning.

Usage: ``python tools/galaxy_import.py abraflexi-flexi-X.Y.Z.tar.gz`` with the tools venv's Python, its ``bin`` on
PATH (galaxy-importer runs flake8, ansible-doc and ansible-lint by name; the Makefile sets PATH). galaxy-importer
exits 0 even when it only warns (a flake8 finding, a missing changelog), so every WARNING or ERROR line it logs
fails this check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

CONFIG = Path(__file__).with_name("galaxy-importer.cfg")


def main() -> int:
    """Run the import in a scratch folder (it writes importer_result.json there) and judge its log."""
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    tarball = Path(sys.argv[1]).resolve()
    env = {**os.environ, "GALAXY_IMPORTER_CONFIG": str(CONFIG)}
    with tempfile.TemporaryDirectory(prefix="galaxy-import-") as scratch:
        run = subprocess.run(
            [sys.executable, "-m", "galaxy_importer.main", str(tarball)],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    log = (run.stdout + run.stderr).splitlines()
    print("\n".join(log))
    complaints = [line for line in log if line.startswith(("WARNING", "ERROR"))]
    if run.returncode != 0 or complaints:
        print(f"galaxy-importer: exit {run.returncode}, {len(complaints)} warning(s) or error(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
