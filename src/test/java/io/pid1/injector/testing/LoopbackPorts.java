package io.pid1.injector.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1 for a server that another process binds a moment later. They are taken below Linux's
 * ephemeral range (32768 on): a port the kernel handed out as ephemeral (a {@code new ServerSocket(0)}) can be taken
 * again as the local port of any outgoing connection before the server binds it ("Address already in use", seen
 * once in CI when the shim's own checks of its app took the shim's port).
 */
public final class LoopbackPorts {

    private LoopbackPorts() {}

    /** A port free when asked, from 20000 to 32767. */
    public static int free() throws IOException {
        for (int tries = 0; tries < 100; tries++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_768);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return socket.getLocalPort();
            } catch (BindException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port between 20000 and 32767 on 127.0.0.1");
    }
}
