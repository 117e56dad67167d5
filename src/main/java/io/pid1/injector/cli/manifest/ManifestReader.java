package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads manifests from files, directories (recursively: {@code *.yaml}, {@code *.yml},
 * {@code *.json}, in sorted order) and stdin ({@code -}) into documents, keeping each one's text.
 * JSON files are one document; YAML streams are cut at their document markers.
 */
public final class ManifestReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private final InputStream stdin;
    private final Path workingDir;

    public ManifestReader(InputStream stdin, Path workingDir) {
        this.stdin = stdin;
        this.workingDir = workingDir.toAbsolutePath().normalize();
    }

    /** Every document of {@code inputs}, in order. */
    public List<Document> read(List<String> inputs) throws BadInputException {
        List<Document> documents = new ArrayList<>();
        for (String input : inputs) {
            if (input.equals("-")) {
                documents.addAll(parse("-", decode("-", readStdin()), false));
                continue;
            }
            for (Path file : files(Path.of(input), input)) {
                String source = shown(file);
                documents.addAll(parse(source, decode(source, readFile(file, source)), isJson(file)));
            }
        }
        return documents;
    }

    private byte[] readStdin() throws BadInputException {
        try {
            return stdin.readAllBytes();
        } catch (IOException e) {
            throw new BadInputException("-", 0, "cannot read stdin: " + e.getMessage());
        }
    }

    private static byte[] readFile(Path file, String source) throws BadInputException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException(source, 0, "cannot read: " + reason(e));
        }
    }

    private List<Path> files(Path path, String input) throws BadInputException {
        if (!Files.exists(path)) {
            throw new BadInputException(input, 0, "no such file or directory");
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .filter(ManifestReader::isManifest)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(input, 0, "cannot list directory: " + e.getMessage());
        }
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    private static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    private String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path shown = absolute.startsWith(workingDir) ? workingDir.relativize(absolute) : file.normalize();
        return shown.toString().replace('\\', '/');
    }

    private static String decode(String source, byte[] bytes) throws BadInputException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(source, 0, "not UTF-8 text");
        }
    }

    private static List<Document> parse(String source, String text, boolean json) throws BadInputException {
        boolean jsonText = json || text.stripLeading().startsWith("{");
        List<YamlSplitter.Piece> pieces =
                jsonText && !text.isBlank() ? List.of(new YamlSplitter.Piece(text, 1)) : YamlSplitter.split(text);
        List<Document> documents = new ArrayList<>(pieces.size());
        for (YamlSplitter.Piece piece : pieces) {
            documents.add(document(source, piece, jsonText ? JSON : YAML));
        }
        return documents;
    }

    private static Document document(String source, YamlSplitter.Piece piece, JsonFactory factory)
            throws BadInputException {
        SourceLines lines = new SourceLines(piece.firstLine());
        int offset = piece.firstLine() - 1;
        try (JsonParser parser = new LocatingParser(factory.createParser(piece.text()), lines, offset)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (tree != null && !tree.isMissingNode() && parser.nextToken() != null) {
                throw new BadInputException(
                        source,
                        parser.currentLocation().getLineNr() + offset,
                        "more than one document where one was expected");
            }
            return new Document(
                    source,
                    piece.firstLine(),
                    piece.text(),
                    tree == null || tree.isMissingNode() || tree.isNull() ? null : tree,
                    lines);
        } catch (JsonProcessingException e) {
            String kind = factory == JSON ? "JSON" : "YAML";
            if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                throw new BadInputException(
                        source,
                        yaml.getProblemMark().getLine() + 1 + offset,
                        "invalid YAML: " + yaml.getProblem()
                                + (yaml.getContext() == null ? "" : " " + yaml.getContext()));
            }
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr() + offset;
            throw new BadInputException(source, line, "invalid " + kind + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(source, piece.firstLine(), "cannot read: " + e.getMessage());
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
