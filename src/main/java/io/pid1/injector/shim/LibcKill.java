package io.pid1.injector.shim;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * {@code kill(2)} of the C library through {@code java.lang.foreign} (final since Java 22), found by reflection as the
 * project compiles for Java 17: the image's runtime (Java 25) sends any signal without a shell, which the image does
 * not have. Absent on older runtimes. JNA and jnr-posix were considered: both unpack a native library into a writable
 * directory, which the sidecar's read-only root does not have. Loaded at the first signal, not at the start, so the
 * classes of the foreign function API cost the sidecar nothing until a drain.
 */
final class LibcKill {

    private final MethodHandle kill;

    private LibcKill(MethodHandle kill) {
        this.kill = kill;
    }

    /** The C library's kill, once per process; empty before Java 22. */
    static Optional<LibcKill> get() {
        return Holder.KILL;
    }

    /** Sends the signal; an error names the process and whether it exists. */
    void send(int pid, Signal signal) throws IOException {
        int result;
        try {
            result = (int) kill.invokeExact(pid, number(signal));
        } catch (Throwable e) {
            throw new IOException("kill(2) of " + signal + " to " + pid + " failed: " + e, e);
        }
        if (result != 0) {
            throw new IOException("could not send " + signal + " to " + pid
                    + (ProcessHandle.of(pid).isPresent() ? ": not permitted" : ": no process " + pid));
        }
    }

    /** Linux's numbers, the same on amd64 and arm64. */
    static int number(Signal signal) {
        return switch (signal) {
            case HUP -> 1;
            case INT -> 2;
            case QUIT -> 3;
            case KILL -> 9;
            case USR1 -> 10;
            case USR2 -> 12;
            case TERM -> 15;
            case CONT -> 18;
            case STOP -> 19;
            case WINCH -> 28;
        };
    }

    private static final class Holder {
        static final Optional<LibcKill> KILL = load();
    }

    private static Optional<LibcKill> load() {
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                    .getMethod("find", String.class)
                    .invoke(lookup, "kill");
            if (symbol.isEmpty()) {
                return Optional.empty();
            }
            Object javaInt = Class.forName("java.lang.foreign.ValueLayout")
                    .getField("JAVA_INT")
                    .get(null);
            Object arguments = Array.newInstance(layoutType, 2);
            Array.set(arguments, 0, javaInt);
            Array.set(arguments, 1, javaInt);
            Object descriptor = descriptorType
                    .getMethod("of", layoutType, arguments.getClass())
                    .invoke(null, javaInt, arguments);
            Object options = Array.newInstance(optionType, 0);
            MethodHandle kill = (MethodHandle) linkerType
                    .getMethod(
                            "downcallHandle",
                            Class.forName("java.lang.foreign.MemorySegment"),
                            descriptorType,
                            options.getClass())
                    .invoke(linker, symbol.get(), descriptor, options);
            return Optional.of(new LibcKill(kill));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
