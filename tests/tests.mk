# Host test programs include tests/include/tap.h (TAP); the programs linked
# against user/lib include user/include/utap.h.
TEST_CFLAGS     := $(HOST_CFLAGS) -Itests/include
TEST_SAN_CFLAGS := $(SAN_CFLAGS) -Itests/include
TAP_H           := tests/include/tap.h
# tests/: each part keeps its test rules in tests/<part>/rules.mk.
include $(sort $(wildcard tests/*/rules.mk))
