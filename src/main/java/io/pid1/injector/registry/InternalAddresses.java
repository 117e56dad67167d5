package io.pid1.injector.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Addresses a registry lookup must not reach unless the operator allows it: the host itself (unspecified,
 * loopback), link-local networks (169.254.0.0/16, fe80::/10, where cloud metadata services answer) and the
 * metadata services that live elsewhere. Private networks (10/8, …) are not internal here: in-cluster registries
 * live there, and the egress NetworkPolicy is the tool for those. The JDK's {@link InetAddress} predicates do the
 * classification; no library keeps a list of metadata endpoints, so that list is ours.
 */
final class InternalAddresses {

    /** Metadata services outside the link-local range: AWS's IPv6 endpoint, Alibaba Cloud's. */
    private static final Set<InetAddress> METADATA = Set.of(literal("fd00:ec2::254"), literal("100.100.100.200"));
    /** Names of metadata services, refused before they are resolved. */
    private static final Set<String> METADATA_NAMES = Set.of(
            "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal");
    /** 64:ff9b::/96, the NAT64 prefix that carries an IPv4 address in its last 32 bits. */
    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private InternalAddresses() {}

    /** What kind of internal address this is ({@code loopback}, {@code link-local}, …); empty when it is none. */
    static Optional<String> kind(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            Optional<InetAddress> embedded = embeddedIpv4(v6.getAddress());
            if (embedded.isPresent()) {
                return kind(embedded.get());
            }
        }
        if (address.isAnyLocalAddress() || address instanceof Inet4Address && address.getAddress()[0] == 0) {
            return Optional.of("unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (METADATA.contains(address)) {
            return Optional.of("metadata");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        return Optional.empty();
    }

    /** Whether a host name is a metadata service's (compared without case and trailing dot). */
    static boolean metadataName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return METADATA_NAMES.contains(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
    }

    /** The IPv4 address inside an IPv4-compatible ({@code ::a.b.c.d}) or NAT64 IPv6 address. */
    private static Optional<InetAddress> embeddedIpv4(byte[] v6) {
        byte[] prefix = Arrays.copyOf(v6, 12);
        boolean compatible = Arrays.equals(prefix, new byte[12]) && (v6[12] | v6[13] | v6[14]) != 0;
        if (!compatible && !Arrays.equals(prefix, NAT64)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(v6, 12, 16)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an IP literal is not looked up", e);
        }
    }
}
