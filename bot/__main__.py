"""``python -m bot``: staff commands (see ``bot.cli``)."""
import sys

from bot.cli import main

sys.exit(main())
