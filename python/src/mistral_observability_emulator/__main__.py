"""`python -m mistral_observability_emulator [flags]`: the same as the console script."""

from mistral_observability_emulator._binary import main

main()
