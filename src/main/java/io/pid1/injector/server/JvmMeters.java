package io.pid1.injector.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.quarkus.micrometer.runtime.binder.JVMInfoBinder;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * The JVM's and the system's meters (memory, GC, threads, classes, CPU, files, uptime), bound by {@link Warmup}
 * after the port is open instead of by Quarkus while it boots ({@code quarkus.micrometer.binder.jvm} and
 * {@code .system} are off): binding them cost the main thread 70–90 ms of CPU before the webhook could answer
 * (bench/README.md, "The webhook in the image"). The same binders as Quarkus's, to the same registry, so
 * {@code /q/metrics} names the same meters once the webhook is ready.
 */
@ApplicationScoped
public class JvmMeters {

    private static final Logger LOG = Logger.getLogger(JvmMeters.class);

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    /** Binds the meters to Quarkus's global registry, as its own binders do; a failure is logged, never thrown. */
    public void bind() {
        bind(Metrics.globalRegistry);
    }

    void bind(MeterRegistry registry) {
        try {
            JvmGcMetrics gc = new JvmGcMetrics();
            JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
            open.add(gc);
            open.add(heapPressure);
            List<MeterBinder> binders = List.of(
                    new ClassLoaderMetrics(),
                    heapPressure,
                    new JvmMemoryMetrics(),
                    new JvmThreadMetrics(),
                    new JVMInfoBinder(),
                    gc,
                    new UptimeMetrics(),
                    new ProcessorMetrics(),
                    new FileDescriptorMetrics());
            binders.forEach(binder -> binder.bindTo(registry));
        } catch (RuntimeException e) {
            LOG.warn("the JVM's meters are not exported", e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        for (AutoCloseable closeable : open) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing a meter binder failed", e);
            }
        }
    }
}
