package io.pid1.injector.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of every Markdown file in the repository names a file or directory inside it, and an
 * anchor names a heading of that file: a reader of the repository can open what the documents cite.
 */
class RelativeLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK =
            Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)|^\\[[^]]+]:\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");
    private static final Pattern CODE = Pattern.compile("(?s)```.*?```|`[^`\\n]*`");

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        List<Path> documents = markdown();
        assertTrue(documents.contains(ROOT.resolve("README.md")), "README.md not found from " + ROOT);
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            String text = CODE.matcher(Files.readString(document)).replaceAll("");
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1) != null ? link.group(1) : link.group(2);
                problem(document, target)
                        .ifPresent(p -> broken.add(ROOT.relativize(document) + ": " + target + " " + p));
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void aLinkOutsideTheRepositoryOrToAMissingHeadingIsCaught() throws IOException {
        Path readme = ROOT.resolve("README.md");
        assertTrue(problem(readme, "../shared/SPEC.md").isPresent());
        assertTrue(problem(readme, "docs/nothing.md").isPresent());
        assertTrue(problem(readme, "docs/reference.md#no-such-heading").isPresent());
        assertEquals(Optional.empty(), problem(readme, "docs/reference.md#pod-annotations"));
    }

    private static Optional<String> problem(Path document, String target) throws IOException {
        if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return Optional.empty();
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved =
                file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(ROOT)) {
            return Optional.of("leaves the repository");
        }
        if (!Files.exists(resolved)) {
            return Optional.of("does not exist");
        }
        String anchor = target.substring(hash + 1);
        if (hash >= 0
                && resolved.toString().endsWith(".md")
                && !anchors(resolved).contains(anchor)) {
            return Optional.of("names no heading of " + ROOT.relativize(resolved));
        }
        return Optional.empty();
    }

    /** GitHub's anchors: the heading lower-cased, punctuation dropped, spaces made dashes. */
    private static Set<String> anchors(Path document) throws IOException {
        Set<String> anchors = new HashSet<>();
        Matcher heading = HEADING.matcher(Files.readString(document));
        while (heading.find()) {
            anchors.add(heading.group(1)
                    .replace("`", "")
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }

    private static List<Path> markdown() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !ROOT.relativize(p).startsWith("target")
                            && !ROOT.relativize(p).startsWith(".git"))
                    .sorted()
                    .toList();
        }
    }
}
