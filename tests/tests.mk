# tests/: each part keeps its test rules in tests/<part>/rules.mk.
include $(sort $(wildcard tests/*/rules.mk))
