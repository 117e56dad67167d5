package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The restricted-profile check itself catches each control it claims to check. */
class RestrictedProfileTest {

    private static PodTemplateSpec compliant() {
        PodTemplateSpec template =
                Rendered.of(Path.of("deploy", "base")).deployment().getSpec().getTemplate();
        return Rendered.YAML.convertValue(template, PodTemplateSpec.class);
    }

    private static SecurityContext webhook(PodTemplateSpec template) {
        return template.getSpec().getContainers().get(0).getSecurityContext();
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                violation("hostNetwork", t -> t.getSpec().setHostNetwork(true), "hostNetwork"),
                violation("hostPID", t -> t.getSpec().setHostPID(true), "hostPID"),
                violation("hostIPC", t -> t.getSpec().setHostIPC(true), "hostIPC"),
                violation(
                        "hostPath volume",
                        t -> t.getSpec()
                                .getVolumes()
                                .add(new VolumeBuilder()
                                        .withName("host")
                                        .withNewHostPath()
                                        .withPath("/")
                                        .endHostPath()
                                        .build()),
                        "type hostPath"),
                violation("privileged", t -> webhook(t).setPrivileged(true), "privileged"),
                violation(
                        "privilege escalation",
                        t -> webhook(t).setAllowPrivilegeEscalation(true),
                        "allowPrivilegeEscalation"),
                violation(
                        "no escalation setting",
                        t -> webhook(t).setAllowPrivilegeEscalation(null),
                        "allowPrivilegeEscalation"),
                violation("runAsNonRoot false", t -> webhook(t).setRunAsNonRoot(false), "runAsNonRoot"),
                violation(
                        "no runAsNonRoot",
                        t -> {
                            webhook(t).setRunAsNonRoot(null);
                            t.getSpec().getSecurityContext().setRunAsNonRoot(null);
                        },
                        "runAsNonRoot"),
                violation("root user", t -> webhook(t).setRunAsUser(0L), "runAsUser is 0"),
                violation(
                        "unconfined seccomp",
                        t -> webhook(t).setSeccompProfile(new SeccompProfile(null, "Unconfined")),
                        "seccomp"),
                violation(
                        "no seccomp",
                        t -> {
                            webhook(t).setSeccompProfile(null);
                            t.getSpec().getSecurityContext().setSeccompProfile(null);
                        },
                        "seccomp"),
                violation(
                        "capabilities kept", t -> webhook(t).getCapabilities().setDrop(List.of("NET_RAW")), "drop ALL"),
                violation(
                        "capability added",
                        t -> webhook(t).getCapabilities().setAdd(List.of("SYS_ADMIN")),
                        "SYS_ADMIN"),
                violation(
                        "hostPort",
                        t -> t.getSpec()
                                .getContainers()
                                .get(0)
                                .getPorts()
                                .get(0)
                                .setHostPort(8443),
                        "hostPort"),
                violation("procMount", t -> webhook(t).setProcMount("Unmasked"), "procMount"),
                violation(
                        "unsafe sysctl",
                        t -> t.getSpec().getSecurityContext().setSysctls(List.of(new Sysctl("kernel.msgmax", "1"))),
                        "sysctl"),
                violation(
                        "AppArmor unconfined",
                        t -> t.getMetadata()
                                .getAnnotations()
                                .put("container.apparmor.security.beta.kubernetes.io/webhook", "unconfined"),
                        "AppArmor"),
                violation(
                        "init container escalates",
                        t -> t.getSpec()
                                .setInitContainers(List.of(new ContainerBuilder()
                                        .withName("init")
                                        .withSecurityContext(webhook(compliant()))
                                        .editSecurityContext()
                                        .withAllowPrivilegeEscalation(true)
                                        .endSecurityContext()
                                        .build())),
                        "container init"));
    }

    private static Arguments violation(String name, Consumer<PodTemplateSpec> change, String expected) {
        return Arguments.of(Named.of(name, change), expected);
    }

    @ParameterizedTest
    @MethodSource("violations")
    void reportsEachViolatedControl(Consumer<PodTemplateSpec> change, String expected) {
        PodTemplateSpec template = compliant();
        change.accept(template);

        List<String> found = RestrictedProfile.violations(template);

        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains(expected), found.get(0));
    }

    @Test
    void allowsNetBindServiceAndLocalhostSeccomp() {
        PodTemplateSpec template = compliant();
        webhook(template).getCapabilities().setAdd(List.of("NET_BIND_SERVICE"));
        webhook(template).setSeccompProfile(new SeccompProfile("profiles/webhook.json", "Localhost"));

        assertEquals(List.of(), RestrictedProfile.violations(template));
    }
}
