package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pid1.injector.shim.ArgvMatcher.Fit;
import java.util.Arrays;
import java.util.List;
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

    private static List<String> args(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\|", -1));
    }
}
