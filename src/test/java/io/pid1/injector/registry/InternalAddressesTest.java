package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses and URLs the registry client refuses; none of them is contacted (literals are not looked up). */
class InternalAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "169.254.169.254, metadata-by-range",
        "169.254.170.2, link-local",
        "fd00:ec2::254, metadata",
        "100.100.100.200, metadata",
        "127.0.0.1, loopback",
        "127.8.9.10, loopback",
        "::1, loopback",
        "0.0.0.0, unspecified",
        "0.1.2.3, unspecified",
        "::, unspecified",
        "fe80::1, link-local",
        "febf::1, link-local",
        "::ffff:169.254.169.254, link-local",
        "::169.254.169.254, link-local",
        "64:ff9b::7f00:1, loopback",
    })
    void internalAddressesAreNamed(String address, String kind) throws UnknownHostException {
        String expected = kind.equals("metadata-by-range") ? "link-local" : kind;
        assertEquals(Optional.of(expected), InternalAddresses.kind(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.96.0.10",
                "192.168.1.5",
                "172.16.0.1",
                "8.8.8.8",
                "2001:db8::1",
                "fd00::1",
                "fec0::1",
                "::ffff:10.0.0.1",
                "64:ff9b::808:808"
            })
    void otherAddressesAreNot(String address) throws UnknownHostException {
        assertEquals(Optional.empty(), InternalAddresses.kind(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://169.254.169.254/latest/api/token | refused 169.254.169.254: 169.254.169.254 is a link-local address"
                        + " (PID1_REGISTRY_ALLOW_INTERNAL)",
                "https://[fd00:ec2::254]/latest/api/token | refused [fd00:ec2::254]: fd00:ec2:0:0:0:0:0:254 is a metadata"
                        + " address (PID1_REGISTRY_ALLOW_INTERNAL)",
                "https://[fe80::1]:443/ | refused [fe80::1]:443: fe80:0:0:0:0:0:0:1 is a link-local address"
                        + " (PID1_REGISTRY_ALLOW_INTERNAL)",
                "https://Metadata.Google.Internal./computeMetadata/v1/ | refused metadata.google.internal.: a metadata service",
                "http://registry.example:5000/token | refused http://registry.example:5000: only HTTPS, or plain HTTP to"
                        + " PID1_REGISTRY_INSECURE",
                "file:///etc/passwd | refused a URL without host",
                "ftp://registry.example/ | refused ftp://registry.example: only HTTPS, or plain HTTP to PID1_REGISTRY_INSECURE",
            })
    void theseUrlsAreRefused(String url, String reason) {
        EgressPolicy policy = new EgressPolicy(Set.of(), Set.of());
        assertEquals(
                reason,
                assertThrows(LookupFailure.class, () -> policy.check(URI.create(url)))
                        .reason());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://10.96.0.10/v2/",
                "https://8.8.8.8/v2/",
                "http://10.0.0.7:5000/v2/",
                "https://127.0.0.1:8443/v2/",
                "http://[::1]:5000/v2/"
            })
    void listedHostsAndOrdinaryAddressesPass(String url) {
        new EgressPolicy(Set.of("10.0.0.7:5000", "[::1]:5000"), Set.of("127.0.0.1", "[::1]:5000"))
                .check(URI.create(url));
    }
}
