package io.pid1.injector.shim;

/** A health answer: healthy or not, and why, in one line. */
public record Verdict(boolean healthy, String reason) {}
