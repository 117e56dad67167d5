package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One document of the input.
 *
 * @param source    the file as shown to people (relative to the working directory when under it; {@code -} for stdin)
 * @param firstLine the line of the file where the document's text starts
 * @param text      the document's text exactly as read, with its own {@code ---} line when it had one
 * @param tree      the parsed document; {@code null} when it holds only comments
 * @param lines     where each of its objects starts
 */
public record Document(String source, int firstLine, String text, JsonNode tree, SourceLines lines) {}
