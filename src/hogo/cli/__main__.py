"""``python -m hogo.cli``: the same as the ``hogo`` command."""

from hogo.cli.app import main

main()
