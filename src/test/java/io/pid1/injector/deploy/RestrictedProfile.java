package io.pid1.injector.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Kubernetes Pod Security Standards "restricted" profile (which includes "baseline") as a
 * check of a pod template: one line per violated control, none when the pod would be admitted.
 */
final class RestrictedProfile {

    private static final Set<String> VOLUME_TYPES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> SECCOMP_TYPES = Set.of("RuntimeDefault", "Localhost");
    private static final Set<String> SELINUX_TYPES =
            Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");
    private static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");
    private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

    /** What the controls read from each container, init container and ephemeral container. */
    private record Container(String name, SecurityContext security, List<ContainerPort> ports) {
        Container {
            security = security == null ? new SecurityContext() : security;
            ports = ports == null ? List.of() : ports;
        }
    }

    private RestrictedProfile() {}

    /** The violated controls, each as one line naming the container or volume. */
    static List<String> violations(PodTemplateSpec template) {
        PodSpec pod = template.getSpec();
        PodSecurityContext podSecurity =
                pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
        List<Container> containers = containers(pod);
        List<String> found = new ArrayList<>();
        hostNamespaces(pod, found);
        volumes(pod, found);
        podLevel(podSecurity, found);
        annotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations(), found);
        for (Container container : containers) {
            containerLevel(container, podSecurity, found);
        }
        return found;
    }

    private static List<Container> containers(PodSpec pod) {
        return Stream.of(
                        nullSafe(pod.getInitContainers()).stream()
                                .map(c -> new Container(c.getName(), c.getSecurityContext(), c.getPorts())),
                        nullSafe(pod.getContainers()).stream()
                                .map(c -> new Container(c.getName(), c.getSecurityContext(), c.getPorts())),
                        nullSafe(pod.getEphemeralContainers()).stream()
                                .map(c -> new Container(c.getName(), c.getSecurityContext(), c.getPorts())))
                .flatMap(s -> s)
                .toList();
    }

    private static void hostNamespaces(PodSpec pod, List<String> found) {
        if (Boolean.TRUE.equals(pod.getHostNetwork())) {
            found.add("hostNetwork is set");
        }
        if (Boolean.TRUE.equals(pod.getHostPID())) {
            found.add("hostPID is set");
        }
        if (Boolean.TRUE.equals(pod.getHostIPC())) {
            found.add("hostIPC is set");
        }
    }

    private static void volumes(PodSpec pod, List<String> found) {
        for (Volume volume : nullSafe(pod.getVolumes())) {
            JsonNode tree = Rendered.YAML.valueToTree(volume);
            for (Iterator<String> fields = tree.fieldNames(); fields.hasNext(); ) {
                String type = fields.next();
                if (!type.equals("name") && !tree.get(type).isNull() && !VOLUME_TYPES.contains(type)) {
                    found.add("volume " + volume.getName() + " has type " + type);
                }
            }
        }
    }

    private static void podLevel(PodSecurityContext pod, List<String> found) {
        if (Objects.equals(pod.getRunAsUser(), 0L)) {
            found.add("pod runAsUser is 0");
        }
        if (pod.getSeccompProfile() != null
                && !SECCOMP_TYPES.contains(pod.getSeccompProfile().getType())) {
            found.add("pod seccompProfile is " + pod.getSeccompProfile().getType());
        }
        if (pod.getSeLinuxOptions() != null) {
            seLinux("pod", pod.getSeLinuxOptions(), found);
        }
        if (pod.getAppArmorProfile() != null
                && "Unconfined".equals(pod.getAppArmorProfile().getType())) {
            found.add("pod appArmorProfile is Unconfined");
        }
        nullSafe(pod.getSysctls()).stream()
                .filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
                .forEach(s -> found.add("sysctl " + s.getName() + " is not safe"));
    }

    private static void annotations(Map<String, String> annotations, List<String> found) {
        if (annotations == null) {
            return;
        }
        annotations.forEach((key, value) -> {
            if (key.startsWith(APPARMOR_ANNOTATION)
                    && !value.equals("runtime/default")
                    && !value.startsWith("localhost/")) {
                found.add("AppArmor annotation " + key + " is " + value);
            }
        });
    }

    private static void containerLevel(Container container, PodSecurityContext pod, List<String> found) {
        SecurityContext security = container.security();
        String name = "container " + container.name();
        if (Boolean.TRUE.equals(security.getPrivileged())) {
            found.add(name + " is privileged");
        }
        if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            found.add(name + " does not set allowPrivilegeEscalation: false");
        }
        boolean nonRoot = security.getRunAsNonRoot() != null
                ? security.getRunAsNonRoot()
                : Boolean.TRUE.equals(pod.getRunAsNonRoot());
        if (!nonRoot) {
            found.add(name + " does not run with runAsNonRoot: true");
        }
        if (Objects.equals(security.getRunAsUser(), 0L)) {
            found.add(name + " runAsUser is 0");
        }
        SeccompProfile seccomp =
                security.getSeccompProfile() != null ? security.getSeccompProfile() : pod.getSeccompProfile();
        if (seccomp == null || !SECCOMP_TYPES.contains(seccomp.getType())) {
            found.add(name + " has no RuntimeDefault or Localhost seccomp profile");
        }
        capabilities(name, security.getCapabilities(), found);
        if (security.getProcMount() != null && !security.getProcMount().equals("Default")) {
            found.add(name + " procMount is " + security.getProcMount());
        }
        if (security.getSeLinuxOptions() != null) {
            seLinux(name, security.getSeLinuxOptions(), found);
        }
        if (security.getAppArmorProfile() != null
                && "Unconfined".equals(security.getAppArmorProfile().getType())) {
            found.add(name + " appArmorProfile is Unconfined");
        }
        container.ports().stream()
                .filter(p -> p.getHostPort() != null && p.getHostPort() != 0)
                .forEach(p -> found.add(name + " uses hostPort " + p.getHostPort()));
    }

    private static void capabilities(String name, Capabilities capabilities, List<String> found) {
        List<String> drop = capabilities == null ? List.of() : nullSafe(capabilities.getDrop());
        List<String> add = capabilities == null ? List.of() : nullSafe(capabilities.getAdd());
        if (!drop.contains("ALL")) {
            found.add(name + " does not drop ALL capabilities");
        }
        add.stream().filter(c -> !c.equals("NET_BIND_SERVICE")).forEach(c -> found.add(name + " adds capability " + c));
    }

    private static void seLinux(String name, SELinuxOptions options, List<String> found) {
        if (options.getType() != null && !options.getType().isEmpty() && !SELINUX_TYPES.contains(options.getType())) {
            found.add(name + " SELinux type is " + options.getType());
        }
        if (options.getUser() != null && !options.getUser().isEmpty()
                || options.getRole() != null && !options.getRole().isEmpty()) {
            found.add(name + " sets an SELinux user or role");
        }
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
