import sys

from guidance_builder.cli import main

sys.exit(main())
