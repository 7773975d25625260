"""A service's directory of product files, each with a PNG preview of the same
name: which files are products, which are strays, and the granules of the
products (a broken product is reported and skipped)."""

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ProductDirectory:
    """The products of a service: files PREFIX*EXTENSION, read by granule_from
    (which raises error for a broken product)."""

    service: str
    prefix: str
    extension: str
    names: str
    granule_from: Callable
    error: type

    def product_files(self, data_dir):
        """Return the sorted paths of the product files in data_dir."""
        return sorted(os.path.join(data_dir, name) for name in os.listdir(data_dir)
                      if name.startswith(self.prefix) and name.endswith(self.extension))

    def stray_files(self, data_dir):
        """Return (file name, reason) for each file of data_dir that is neither a
        product nor the preview of one (hidden files aside), sorted by name."""
        names = sorted(name for name in os.listdir(data_dir) if not name.startswith("."))
        stems = {os.path.splitext(name)[0] for name in names
                 if name.startswith(self.prefix) and name.endswith(self.extension)}
        strays = []
        for name in names:
            stem, extension = os.path.splitext(name)
            if name.startswith(self.prefix) and extension in (self.extension, ".png"):
                if extension == ".png" and stem not in stems:
                    strays.append((name, f"preview without its product {self.extension}"))
            else:
                strays.append((name, f"not a product of {self.service}"
                                     f" (products are {self.names})"))
        return strays

    def granules(self, data_dir, on_skip=None):
        """Yield one granule dict per product of data_dir, in file name order;
        call on_skip(file name, reason) for each broken product and each stray
        file, and go on."""
        data_dir = str(data_dir)
        if on_skip is not None:
            for name, reason in self.stray_files(data_dir):
                on_skip(name, reason)
        for path in self.product_files(data_dir):
            try:
                row = self.granule_from(path)
            except self.error as exc:
                if on_skip is not None:
                    on_skip(os.path.basename(path), str(exc))
                continue
            yield row


def generator_main(argv, *, prog, description, seed, count, noun, generate):
    """Run a service's product generator from the command line: generate(out,
    seed, count, created) writes the products; return the exit status."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--out", required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=seed, help=f"random seed (default {seed})")
    parser.add_argument("--count", type=int, default=count,
                        help=f"number of {noun} (default {count})")
    parser.add_argument("--created", help="creation date written in the products "
                        "(ISO 8601, default today)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    paths = generate(args.out, args.seed, args.count, args.created)
    print(f"wrote {len(paths)} {noun} into {args.out}", file=sys.stderr)
    return 0
