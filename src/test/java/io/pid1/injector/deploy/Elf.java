package io.pid1.injector.deploy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads what the tests need from a 64-bit little-endian ELF executable's header. */
final class Elf {

    private static final int PT_INTERP = 3;
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    private final ByteBuffer bytes;

    Elf(byte[] file) {
        if (file.length < 64 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file");
        }
        if (file[4] != 2 || file[5] != 1) {
            throw new IllegalArgumentException("not a 64-bit little-endian ELF file");
        }
        this.bytes = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether it runs without a dynamic loader: no program header names an interpreter. */
    boolean isStatic() {
        long tableOffset = bytes.getLong(0x20);
        int entrySize = Short.toUnsignedInt(bytes.getShort(0x36));
        int entries = Short.toUnsignedInt(bytes.getShort(0x38));
        for (int i = 0; i < entries; i++) {
            if (bytes.getInt((int) (tableOffset + (long) i * entrySize)) == PT_INTERP) {
                return false;
            }
        }
        return true;
    }

    /** The OCI architecture name of the machine it is built for. */
    String architecture() {
        int machine = Short.toUnsignedInt(bytes.getShort(0x12));
        return switch (machine) {
            case EM_X86_64 -> "amd64";
            case EM_AARCH64 -> "arm64";
            default -> "machine-" + machine;
        };
    }
}
