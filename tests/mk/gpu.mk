# tests/mk/gpu.mk: client/gpu's test doubles.
# tests/fakes/nvml/fake_nvml.c is built twice as libnvidia-ml.so.1: a
# current driver (full/) and an older one without the _v2/_v3 entry points
# (old/). Tests put one of the directories first in LD_LIBRARY_PATH; the
# unit test learns where they are from FAKE_NVML_DIR.
FAKE_NVML_DIR := $(O)/tests/fakes/nvml
FAKE_NVML     := $(FAKE_NVML_DIR)/full/libnvidia-ml.so.1 \
                 $(FAKE_NVML_DIR)/old/libnvidia-ml.so.1
FAKE_NVML_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -fPIC \
                 -shared -Wl,-soname,libnvidia-ml.so.1 \
                 $(filter -fsanitize=%,$(CFLAGS))

$(FAKE_NVML_DIR)/full/libnvidia-ml.so.1: tests/fakes/nvml/fake_nvml.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FAKE_NVML_CFLAGS) -o $@ $<
$(FAKE_NVML_DIR)/old/libnvidia-ml.so.1: tests/fakes/nvml/fake_nvml.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(FAKE_NVML_CFLAGS) -DFAKE_NVML_OLD -o $@ $<
TEST_BIN += $(FAKE_NVML)

$(O)/tests/t_client_gpu: \
    CPPFLAGS += -DFAKE_NVML_DIR='"$(FAKE_NVML_DIR)"'
$(O)/tests/t_client_gpu: | $(FAKE_NVML)
