package io.pid1.injector.shim;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the connections {@link StrictHttpServer} holds at once. When all are taken, a new connection closes the
 * one that has waited longest for its request head rather than being refused itself: clients that connect and
 * send nothing, or a byte a second, would otherwise keep the kubelet's probes out (and fail a liveness probe)
 * until their deadline. Only when every connection is being answered is the new one closed.
 */
final class ConnectionSlots {

    private final int max;
    private final ArrayDeque<Socket> reading = new ArrayDeque<>();
    private int answering;

    ConnectionSlots(int max) {
        this.max = max;
    }

    /** Takes a slot for a new connection, closing the oldest one still reading if need be; false: closed. */
    synchronized boolean admit(Socket connection) {
        if (reading.size() + answering >= max) {
            Socket oldest = reading.pollFirst();
            close(oldest == null ? connection : oldest);
            if (oldest == null) {
                return false;
            }
        }
        reading.addLast(connection);
        return true;
    }

    /** The connection's head is read: it may no longer be closed for another; false when it already was. */
    synchronized boolean startAnswering(Socket connection) {
        if (!reading.remove(connection)) {
            return false;
        }
        answering++;
        return true;
    }

    /** Frees the connection's slot; {@code answered} says whether {@link #startAnswering} took it. */
    synchronized void release(Socket connection, boolean answered) {
        if (answered) {
            answering--;
            notifyAll();
        } else {
            reading.remove(connection);
        }
    }

    /** Waits until no request is being answered, or {@code limit} has passed; true when none is left. */
    synchronized boolean awaitNoneAnswering(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (answering > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private static void close(Socket connection) {
        try {
            connection.close();
        } catch (IOException e) {
            // Closed to free its slot: nothing is left to do with it.
        }
    }
}
