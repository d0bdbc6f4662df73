# The fixtures come from the installed plugin (mistral-observability-emulator's pytest11 entry
# point): nothing to declare here. This folder on sys.path lets the tests import support_bot.
