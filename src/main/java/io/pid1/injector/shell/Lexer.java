package io.pid1.injector.shell;

/**
 * Splits a script into words and the separators {@code &&}, {@code ;} and newline, following the
 * POSIX token rules for the subset the reader supports; throws {@link Unreadable} at anything else.
 * Every step moves forward through the script, so time is linear in its length.
 */
final class Lexer {

    private static final int MAX_NESTING = 16;
    private static final String SPECIAL_PARAMETERS = "@*#?-$!";
    private static final String ARITHMETIC_CHARS = " \t+-*/%<>=!~^&|?:,.";

    private final String script;
    /** Reused for each word, which is built and emptied before the next one starts. */
    private final WordBuilder builder = new WordBuilder();

    private int pos;
    private int nesting;

    Lexer(String script) {
        this.script = script;
    }

    /** The next token, or null at the end of the script. */
    Token next() {
        while (true) {
            skipBlanks();
            if (pos >= script.length()) {
                return null;
            }
            char c = script.charAt(pos);
            if (c == '#') {
                skipComment();
            } else if (c == '\n') {
                pos++;
                return new Token.Separator(Token.Kind.NEWLINE);
            } else if (isOperator(c)) {
                return operator(c);
            } else {
                return new Token.WordToken(readWord());
            }
        }
    }

    private void skipBlanks() {
        pos = skipContinuations(pos);
        while (pos < script.length() && (script.charAt(pos) == ' ' || script.charAt(pos) == '\t')) {
            pos = skipContinuations(pos + 1);
        }
    }

    private void skipComment() {
        while (pos < script.length() && script.charAt(pos) != '\n') {
            pos++;
        }
    }

    private Token operator(char c) {
        int after = skipContinuations(pos + 1);
        char following = charAt(after);
        switch (c) {
            case ';' -> {
                if (following == ';') {
                    throw new Unreadable("uses case");
                }
                pos++;
                return new Token.Separator(Token.Kind.SEMICOLON);
            }
            case '&' -> {
                if (following == '&') {
                    pos = after + 1;
                    return new Token.Separator(Token.Kind.AND);
                }
                throw new Unreadable("runs a command in the background");
            }
            case '|' -> throw new Unreadable(following == '|' ? "uses ||" : "uses a pipe");
            case '<' -> throw new Unreadable(following == '<' ? "uses a here-document" : "uses a redirection");
            case '>' -> throw new Unreadable("uses a redirection");
            case '(' -> throw new Unreadable(following == ')' ? "defines a function" : "uses a subshell");
            default -> throw new Unreadable("uses a subshell");
        }
    }

    private Word readWord() {
        int start = pos;
        int end = pos;
        while (true) {
            int p = skipContinuations(pos);
            if (p >= script.length() || endsWord(script.charAt(p))) {
                break;
            }
            pos = p;
            readPiece(builder);
            end = pos;
        }
        pos = end;
        return new Word(builder.build(), start, end);
    }

    /** Reads one unquoted-context piece at {@code pos}: a quote, an escape, an expansion or a character. */
    private void readPiece(WordBuilder word) {
        char c = script.charAt(pos);
        switch (c) {
            case '\'' -> {
                int close = script.indexOf('\'', pos + 1);
                if (close < 0) {
                    throw new Unreadable("has an unterminated quote");
                }
                word.literal(script.substring(pos + 1, close), true);
                pos = close + 1;
            }
            case '"' -> {
                pos++;
                readDoubleQuoted(word);
            }
            case '\\' -> {
                if (pos + 1 >= script.length()) {
                    throw new Unreadable("ends with a backslash");
                }
                word.literal(script.charAt(pos + 1), true);
                pos += 2;
            }
            case '$' -> readDollar(word, false);
            case '`' -> throw new Unreadable("uses command substitution");
            default -> {
                word.literal(c, false);
                pos++;
            }
        }
    }

    private void readDoubleQuoted(WordBuilder word) {
        word.literal("", true);
        while (true) {
            if (pos >= script.length()) {
                throw new Unreadable("has an unterminated quote");
            }
            char c = script.charAt(pos);
            switch (c) {
                case '"' -> {
                    pos++;
                    return;
                }
                case '\\' -> readDoubleQuotedBackslash(word);
                case '$' -> readDollar(word, true);
                case '`' -> throw new Unreadable("uses command substitution");
                default -> {
                    word.literal(c, true);
                    pos++;
                }
            }
        }
    }

    private void readDoubleQuotedBackslash(WordBuilder word) {
        char next = charAt(pos + 1);
        if (next == '\n') {
            pos += 2;
        } else if (next == '$' || next == '`' || next == '"' || next == '\\') {
            word.literal(next, true);
            pos += 2;
        } else {
            word.literal('\\', true);
            pos++;
        }
    }

    private void readDollar(WordBuilder word, boolean quoted) {
        int p = skipContinuations(pos + 1);
        char next = charAt(p);
        if (next == '{') {
            pos = p + 1;
            word.part(readBraced(quoted));
        } else if (next == '(') {
            int q = skipContinuations(p + 1);
            if (charAt(q) != '(') {
                throw new Unreadable("uses command substitution");
            }
            pos = q + 1;
            readArithmetic();
            word.part(new WordPart.Arithmetic(quoted));
        } else if (!quoted && next == '\'') {
            throw new Unreadable("uses $'...' quoting");
        } else if (!quoted && next == '"') {
            throw new Unreadable("uses $\"...\" quoting");
        } else if (isNameStart(next)) {
            StringBuilder name = new StringBuilder();
            while (p < script.length() && isNameChar(script.charAt(p))) {
                name.append(script.charAt(p));
                p = skipContinuations(p + 1);
            }
            pos = p;
            word.part(new WordPart.Parameter(name.toString(), "", quoted));
        } else if (isDigit(next) || (next != 0 && SPECIAL_PARAMETERS.indexOf(next) >= 0)) {
            pos = p + 1;
            word.part(new WordPart.Parameter(String.valueOf(next), "", quoted));
        } else {
            word.literal('$', quoted);
            pos++;
        }
    }

    /** Reads {@code ${…}} after the opening brace. */
    private WordPart.Parameter readBraced(boolean quoted) {
        if (++nesting > MAX_NESTING) {
            throw new Unreadable("nests ${...} too deeply");
        }
        boolean length = charAt(pos) == '#' && charAt(pos + 1) != '}';
        if (length) {
            pos++;
        }
        String name = readParameterName();
        String operator = readOperator();
        if (length && !operator.isEmpty()) {
            throw new Unreadable("has a bad ${...}");
        }
        if (operator.isEmpty()) {
            pos++;
        } else {
            skipBracedWord(quoted);
        }
        nesting--;
        return new WordPart.Parameter(name, length ? "length" : operator, quoted);
    }

    private String readParameterName() {
        int start = pos;
        char c = charAt(pos);
        if (isNameStart(c)) {
            while (isNameChar(charAt(pos))) {
                pos++;
            }
        } else if (isDigit(c)) {
            while (isDigit(charAt(pos))) {
                pos++;
            }
        } else if (c != 0 && SPECIAL_PARAMETERS.indexOf(c) >= 0) {
            pos++;
        } else {
            throw new Unreadable("has a bad ${...}");
        }
        return script.substring(start, pos);
    }

    /** Reads the operator after the name; empty (with {@code pos} at the closing brace) for none. */
    private String readOperator() {
        char c = charAt(pos);
        char next = charAt(pos + 1);
        if (c == '}') {
            return "";
        }
        if (c == ':' && (next == '-' || next == '=' || next == '?' || next == '+')) {
            pos += 2;
            return script.substring(pos - 2, pos);
        }
        if (c == '-' || c == '=' || c == '?' || c == '+') {
            pos++;
            return String.valueOf(c);
        }
        if (c == '%' || c == '#') {
            pos += next == c ? 2 : 1;
            return next == c ? "" + c + c : String.valueOf(c);
        }
        throw new Unreadable("has a bad ${...}");
    }

    /** Skips the word of {@code ${name<op>word}} up to and including the closing brace. */
    private void skipBracedWord(boolean quoted) {
        WordBuilder ignored = new WordBuilder();
        while (true) {
            pos = skipContinuations(pos);
            if (pos >= script.length()) {
                throw new Unreadable("has an unterminated ${...}");
            }
            char c = script.charAt(pos);
            if (c == '}') {
                pos++;
                return;
            }
            if (quoted) {
                skipDoubleQuotedBracePiece(c, ignored);
            } else if (c == ' ' || c == '\t' || c == '\n' || isOperator(c)) {
                pos++;
            } else {
                readPiece(ignored);
            }
        }
    }

    private void skipDoubleQuotedBracePiece(char c, WordBuilder ignored) {
        switch (c) {
            case '"', '\'' -> throw new Unreadable("uses quotes inside ${...}");
            case '\\' -> {
                if (pos + 1 >= script.length()) {
                    throw new Unreadable("has an unterminated ${...}");
                }
                pos += 2;
            }
            case '$' -> readDollar(ignored, true);
            case '`' -> throw new Unreadable("uses command substitution");
            default -> pos++;
        }
    }

    /** Skips an arithmetic expansion after {@code $((}; only plain arithmetic is accepted. */
    private void readArithmetic() {
        int depth = 2;
        while (pos < script.length()) {
            char c = script.charAt(pos);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 1) {
                    if (charAt(pos + 1) != ')') {
                        throw new Unreadable("uses complex arithmetic");
                    }
                    pos += 2;
                    return;
                }
            } else if (!isNameChar(c) && ARITHMETIC_CHARS.indexOf(c) < 0) {
                throw new Unreadable("uses complex arithmetic");
            }
            pos++;
        }
        throw new Unreadable("has an unterminated $((...))");
    }

    private int skipContinuations(int p) {
        while (p + 1 < script.length() && script.charAt(p) == '\\' && script.charAt(p + 1) == '\n') {
            p += 2;
        }
        return p;
    }

    private char charAt(int p) {
        return p < script.length() ? script.charAt(p) : 0;
    }

    private static boolean endsWord(char c) {
        return c == ' ' || c == '\t' || c == '\n' || isOperator(c);
    }

    private static boolean isOperator(char c) {
        return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
