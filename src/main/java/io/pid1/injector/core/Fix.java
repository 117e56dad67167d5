package io.pid1.injector.core;

/**
 * One decision, said in {@code pid1:} sentences through the {@link PodDraft}. {@link PodFixer} runs every fix
 * through one list: first {@link #apply(PodDraft, ContainerDraft)} on each container in scope, then
 * {@link #applyToPod(PodDraft)} once, for what needs the whole pod (a shared PID namespace, the shim's
 * configuration, containers moved between lists). A fix implements the phases it has.
 */
interface Fix {

    FixKind kind();

    default void apply(PodDraft pod, ContainerDraft container) {}

    default void applyToPod(PodDraft pod) {}
}
