package io.pid1.injector.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** Without client CAs the HTTPS port names no CA to clients and trusts no client certificate. */
class NoClientCertificatesTest {

    @Test
    void noCaIsNamedAndNoClientCertificateIsTrusted() {
        X509TrustManager trust = (X509TrustManager) NoClientCertificates.trustManager();
        assertEquals(0, trust.getAcceptedIssuers().length);
        TlsMaterial material = Certificates.create("web", "ns");
        assertThrows(
                CertificateException.class,
                () -> trust.checkClientTrusted(new X509Certificate[] {material.certificate(), material.ca()}, "EC"));
    }
}
