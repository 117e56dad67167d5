package io.pid1.injector.core;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A pod's {@code pid1-shim} drain token: 128 bits from {@link SecureRandom} in base64url, 22
 * characters, the form the shim accepts. Made at admission, so no one can know it before the pod
 * exists; the engine takes the source as a parameter so that golden files stay reproducible.
 */
final class DrainToken {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DrainToken() {}

    static String random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }
}
