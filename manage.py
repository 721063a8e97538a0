#!/usr/bin/env python
import sys

from chaperon.cli import main

if __name__ == "__main__":
    sys.exit(main())
