package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pid1.injector.shim.ArgvMatcher.Fit;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArgvMatcherTest {

    /** Arguments are separated by {@code |}, as NUL separates them in {@code /proc/PID/cmdline}. */
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(
            delimiter = '#',
            value = {
                "gunicorn|app:app|-w|4 # gunicorn|app:app|-w|4 # ARGV",
                "gunicorn|app:app|-w|4 # /usr/local/bin/gunicorn|app:app|-w|4 # ARGV",
                "gunicorn|app:app|-w|4 # /usr/bin/python3|/usr/bin/gunicorn|app:app|-w|4 # ARGV",
                "/opt/venv/bin/gunicorn|app:app # /opt/venv/bin/python|/opt/venv/bin/gunicorn|app:app # ARGV",
                "python|-m|celery|-A|proj|worker # /usr/local/bin/python|-m|celery|-A|proj|worker # ARGV",
                "gunicorn|app:app|-w|4 # gunicorn|app:app|-w|2 # NONE",
                "gunicorn|app:app|-w|4 # gunicorn|app:app # NONE",
                "gunicorn|app:app # gunicorn|app:app|-w|4 # NONE",
                "gunicorn|app:app # gunicornx|app:app # NONE",
                "gunicorn|app:app # sh|-c|gunicorn app:app # NONE",
                "gunicorn|-b|0.0.0.0:$(PORT)|app:app # gunicorn|-b|0.0.0.0:8000|app:app # ARGV",
                "gunicorn|-b|0.0.0.0:$(PORT)|app:app # gunicorn|-b|127.0.0.1:8000|app:app # NONE",
                "nginx|-g|daemon off; # nginx: master process nginx -g daemon off; # RETITLED",
                "nginx|-g|daemon off; # nginx: master process /usr/sbin/nginx -g daemon off; # RETITLED",
                "/usr/sbin/nginx|-c|/etc/n.conf # nginx: master process /usr/sbin/nginx -c /etc/n.conf # RETITLED",
                "nginx|-g|daemon off; # nginx: master process xnginx -g daemon off; # TITLE",
                "nginx|-g|daemon off; # nginx: worker process # NONE",
                "php-fpm|-F # php-fpm: master process (/usr/local/etc/php-fpm.conf) # TITLE",
                "gunicorn|app:app|-w|4 # gunicorn: master [app:app] # TITLE",
                "gunicorn|app:app|-w|4 # gunicorn: worker [app:app] # NONE",
                "php-fpm|-F # php-fpm: pool www # NONE",
                "nginx|-g|daemon off; # nginx: master process nginx -g daemon off;||| # RETITLED",
                "gunicorn|app:app| # gunicorn|app:app| # ARGV",
                "gunicorn|app:app # gunicorn|app:app| # NONE",
                "gunicorn|-b|$(HOST):$(PORT) # gunicorn|-b|0.0.0.0:8000 # ARGV",
                "gunicorn|-b|$(HOST)$(PORT) # gunicorn|-b|x # ARGV",
                "gunicorn|-b|$(1X) # gunicorn|-b|$(1X) # ARGV",
                "gunicorn|-b|$(1X) # gunicorn|-b|8000 # NONE",
                "gunicorn|-b|$(HOST # gunicorn|-b|$(HOST # ARGV",
                "gunicorn|--a=$(A)ab$(B)ab # gunicorn|--a=xab # NONE",
                "gunicorn|--a=$(A)ab$(B)ab # gunicorn|--a=abab # ARGV",
                "nginx|-c|$(CONF) # nginx: master process /usr/sbin/nginx -c /etc/n.conf # RETITLED",
                "nginx|-c|$(CONF) # nginx: master process /usr/sbin/xnginx -c /etc/n.conf # TITLE",
            })
    void fits(String expected, String actual, Fit fit) {
        assertEquals(fit, ArgvMatcher.fit(args(expected), args(actual)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '#',
            value = {"gunicorn|app:app # ''", "'' # gunicorn"})
    void anEmptySideNeverFits(String expected, String actual) {
        assertEquals(Fit.NONE, ArgvMatcher.fit(args(expected), args(actual)));
    }

    /** The hand-written matching agrees with the regular expressions it replaced, on random argvs and titles. */
    @Test
    void referencesMatchAsTheRegularExpressionsDid() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pieces = {"a", "b", "ab", " ", "/", "$(A)", "$(B_1.x-y)", "$(", ")", "$(1)", ".*", "\\E"};
        for (int i = 0; i < 20_000; i++) {
            String expected = text(random, pieces, 5);
            String actual = text(random, pieces, 8);
            boolean argument = regex(expected, "").matcher(actual).matches();
            assertEquals(
                    argument ? Fit.ARGV : Fit.NONE,
                    ArgvMatcher.fit(List.of("x", expected), List.of("x", actual)),
                    "seed " + seed + ": " + expected + " vs " + actual);
            String title = "x: master " + actual;
            boolean retitled =
                    regex("x " + expected, "(?:^|.*[ /])").matcher(title).matches();
            assertEquals(
                    retitled ? Fit.RETITLED : Fit.TITLE,
                    ArgvMatcher.fit(List.of("x", expected), List.of(title)),
                    "seed " + seed + ": " + expected + " in title " + title);
        }
    }

    private static String text(Random random, String[] pieces, int max) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(max + 1); n > 0; n--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    /** The matching as it was written before (regular expressions), as the oracle. */
    private static Pattern regex(String text, String prefix) {
        StringBuilder regex = new StringBuilder(prefix);
        Matcher reference = Pattern.compile("\\$\\([A-Za-z_][A-Za-z0-9_.-]*\\)").matcher(text);
        int from = 0;
        while (reference.find()) {
            regex.append(Pattern.quote(text.substring(from, reference.start()))).append(".*");
            from = reference.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(text.substring(from))).toString(), Pattern.DOTALL);
    }

    private static List<String> args(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\|", -1));
    }
}
