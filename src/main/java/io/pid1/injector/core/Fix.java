package io.pid1.injector.core;

/** One decision about one container, said in {@code pid1:} sentences through the {@link PodDraft}. */
interface Fix {

    FixKind kind();

    void apply(PodDraft pod, ContainerDraft container);
}
