package io.pid1.injector.catalog;

import static io.pid1.injector.catalog.Expect.argv;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of {@link Catalog#recognise}: argv seen in real charts and images. */
class RecogniseTest {

    private static final Catalog CATALOG = Catalog.builtin();

    @ParameterizedTest(name = "{0}")
    @MethodSource({
        "gunicorn",
        "asgi",
        "uwsgi",
        "queues",
        "ruby",
        "webServers",
        "inits",
        "launchers",
        "projects",
        "notServers"
    })
    void recognises(Expect expect) {
        assertEquals(expect.facts(), Expect.Facts.of(CATALOG.recognise(expect.argv, expect.env)));
    }

    /** #21 class 7: what runs is named, and only master-worker servers are servers (catalog data, no code cases). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            celery -A proj worker -c 4            | celery worker         | -
            python -m celery -A proj worker       | celery worker         | -
            celery -A proj beat -l INFO           | celery beat           | a scheduler, one process
            python -m celery -A proj beat         | celery beat           | a scheduler, one process
            celery --app=proj.celery flower       | celery flower         | a web UI, one process
            flower --port=5555                    | flower                | a web UI, one process
            rq worker high default                | rq worker             | -
            rq worker-pool -n 4 high              | rq worker-pool        | -
            bundle exec sidekiq -C sidekiq.yml    | sidekiq               | one multithreaded process
            bundle exec puma -w 4                 | puma                  | -
            uvicorn app:app                       | uvicorn               | one process, without --workers
            redis-server --appendonly yes         | redis-server          | -
            """)
    void namesTheProgram(String command, String program, String notMasterWorker) {
        Launch launch = CATALOG.recognise(FlagReader.split(command), java.util.Map.of());
        assertEquals(program, launch.program().orElse(null));
        assertEquals(notMasterWorker, launch.notMasterWorker().orElse(null));
        assertEquals(
                notMasterWorker == null && !program.equals("redis-server"),
                launch.server().isPresent());
    }

    static Stream<Expect> gunicorn() {
        return Stream.of(
                // Superset's chart
                argv("gunicorn -w 10 -k gevent --bind 0.0.0.0:8088 'superset.app:create_app()'")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(8088)
                        .workers(10)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                // Superset's image
                argv("gunicorn --bind 0.0.0.0:8088 --access-logfile - --workers 1 --worker-class gthread"
                                + " --threads 20 --timeout 60 'superset.app:create_app()'")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(8088)
                        .workers(1)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                // NetBox's image
                argv("/opt/netbox/venv/bin/gunicorn --pid /var/tmp/netbox.pid --pythonpath /opt/netbox/netbox"
                                + " --config /etc/netbox/gunicorn.py netbox.wsgi")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn app:app")
                        .env("PORT", "5000")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(5000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn app:app")
                        .env("GUNICORN_CMD_ARGS", "--bind=0.0.0.0:9000 --workers=3 --graceful-timeout 60")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(9000)
                        .workers(3)
                        .timeout(60)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn -b :7000 app")
                        .env("GUNICORN_CMD_ARGS", "-b 0.0.0.0:9000 -w 2")
                        .env("PORT", "1")
                        .server("gunicorn")
                        .portFromFlags(7000)
                        .workers(2)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn -w4 -b unix:/run/gunicorn.sock app")
                        .server("gunicorn")
                        .portFromFlags(null)
                        .workers(4)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn --workers=$(WEB_CONCURRENCY) --bind=0.0.0.0:$(PORT) app")
                        .env("WEB_CONCURRENCY", "5")
                        .env("PORT", "8080")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(8080)
                        .workers(5)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn --bind=0.0.0.0:$(PORT) app")
                        .env("PORT", null)
                        .server("gunicorn")
                        .portFromFlags(null)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn app")
                        .env("WEB_CONCURRENCY", "3")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .workers(3)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gunicorn -b [::]:8000 --graceful-timeout=45 app")
                        .server("gunicorn")
                        .host("::")
                        .portFromFlags(8000)
                        .timeout(45)
                        .termIsGraceful()
                        .http(),
                argv("python -m gunicorn --graceful-timeout=120 app:app")
                        .wrappers("python")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(120)
                        .termIsGraceful()
                        .http(),
                argv("/usr/local/bin/python3.11 /opt/venv/bin/gunicorn app")
                        .wrappers("python")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http());
    }

    static Stream<Expect> asgi() {
        return Stream.of(
                argv("uvicorn app:app --host 0.0.0.0 --port 80 --workers 4")
                        .server("uvicorn")
                        .host("0.0.0.0")
                        .portFromFlags(80)
                        .workers(4)
                        .termIsGraceful()
                        .http(),
                // uvicorn reads each option from UVICORN_<OPTION> as well
                argv("uvicorn main:app --host 0.0.0.0")
                        .env("UVICORN_WORKERS", "3")
                        .server("uvicorn")
                        .host("0.0.0.0")
                        .defaultPort(8000)
                        .workers(3)
                        .termIsGraceful()
                        .http(),
                argv("uvicorn main:app --host 0.0.0.0")
                        .env("WEB_CONCURRENCY", "2")
                        .server("uvicorn")
                        .host("0.0.0.0")
                        .defaultPort(8000)
                        .workers(2)
                        .termIsGraceful()
                        .http(),
                argv("python -m uvicorn app:app --workers 4 --timeout-graceful-shutdown 20 --uds /tmp/uv.sock")
                        .wrappers("python")
                        .server("uvicorn")
                        .portFromFlags(null)
                        .workers(4)
                        .timeout(20)
                        .termIsGraceful()
                        .http(),
                argv("hypercorn -w 4 -b 0.0.0.0:8000 app:app")
                        .server("hypercorn")
                        .host("0.0.0.0")
                        .portFromFlags(8000)
                        .workers(4)
                        .timeout(3)
                        .termIsGraceful()
                        .http(),
                argv("granian --interface asgi --host 0.0.0.0 --port 8000 --workers 4 app:app")
                        .server("granian")
                        .host("0.0.0.0")
                        .portFromFlags(8000)
                        .workers(4)
                        .termIsGraceful()
                        .http(),
                argv("granian --interface wsgi app:app")
                        .env("GRANIAN_WORKERS", "4")
                        .server("granian")
                        .defaultPort(8000)
                        .workers(4)
                        .termIsGraceful()
                        .http());
    }

    static Stream<Expect> uwsgi() {
        return Stream.of(
                argv("uwsgi --ini /etc/uwsgi.ini").server("uwsgi").timeout(60),
                argv("uwsgi --http :8000 --die-on-term --master --processes 4 --module app.wsgi")
                        .server("uwsgi")
                        .portFromFlags(8000)
                        .workers(4)
                        .timeout(60)
                        .termIsGraceful()
                        .http(),
                argv("uwsgi --socket :3031 --master -p 4 --wsgi-file app.py")
                        .server("uwsgi")
                        .portFromFlags(3031)
                        .workers(4)
                        .timeout(60),
                argv("uwsgi --http-socket 0.0.0.0:8080 --worker-reload-mercy 30")
                        .server("uwsgi")
                        .host("0.0.0.0")
                        .portFromFlags(8080)
                        .timeout(30)
                        .http(),
                argv("uwsgi --ini uwsgi.ini")
                        .env("UWSGI_DIE_ON_TERM", "true")
                        .env("UWSGI_HTTP_SOCKET", ":9090")
                        .server("uwsgi")
                        .portFromFlags(9090)
                        .timeout(60)
                        .termIsGraceful()
                        .http(),
                argv("uwsgi --ini uwsgi.ini")
                        .env("UWSGI_DIE_ON_TERM", "false")
                        .server("uwsgi")
                        .timeout(60));
    }

    static Stream<Expect> queues() {
        return Stream.of(
                argv("python -m celery -A proj worker -l info --concurrency=8")
                        .wrappers("python")
                        .server("celery")
                        .workers(8)
                        .termIsGraceful(),
                argv("celery worker -A proj -c 4").server("celery").workers(4).termIsGraceful(),
                argv("celery -A proj beat"),
                argv("celery --app=proj.celery flower"),
                argv("rq worker --url redis://redis:6379 high default low")
                        .server("rq")
                        .termIsGraceful(),
                argv("rq worker-pool -n 3 default").server("rq").workers(3).termIsGraceful(),
                argv("rq info"),
                argv("huey_consumer.py main.huey -w 4 -k process")
                        .server("huey")
                        .workers(4),
                argv("python -m huey.bin.huey_consumer app.huey")
                        .wrappers("python")
                        .server("huey"));
    }

    static Stream<Expect> ruby() {
        return Stream.of(
                argv("bundle exec puma -C config/puma.rb")
                        .wrappers("bundle exec")
                        .server("puma")
                        .defaultPort(9292)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("bundle exec puma -w 3 -b tcp://0.0.0.0:3000")
                        .wrappers("bundle exec")
                        .server("puma")
                        .host("0.0.0.0")
                        .portFromFlags(3000)
                        .workers(3)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("puma -p 3000 -w 2")
                        .server("puma")
                        .portFromFlags(3000)
                        .workers(2)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("bundle exec unicorn_rails -c config/unicorn.rb -E production")
                        .wrappers("bundle exec")
                        .server("unicorn")
                        .defaultPort(8080)
                        .timeout(60)
                        .http(),
                argv("unicorn -l 0.0.0.0:8080 -c config/unicorn.rb")
                        .server("unicorn")
                        .host("0.0.0.0")
                        .portFromFlags(8080)
                        .timeout(60)
                        .http());
    }

    static Stream<Expect> webServers() {
        return Stream.of(
                argv("php-fpm -F").server("php-fpm").defaultPort(9000),
                argv("php-fpm8.2 --nodaemonize").server("php-fpm").defaultPort(9000),
                argv("/usr/sbin/php-fpm7.4 -F -R").server("php-fpm").defaultPort(9000),
                argv("nginx -g 'daemon off;'").server("nginx").defaultPort(80).http(),
                argv("apache2-foreground").server("httpd").defaultPort(80).http(),
                argv("httpd-foreground").server("httpd").defaultPort(80).http(),
                argv("httpd -DFOREGROUND").server("httpd").defaultPort(80).http(),
                argv("pm2-runtime start ecosystem.config.js --kill-timeout 5000")
                        .server("pm2-runtime")
                        .timeout(5),
                argv("pm2-runtime app.js -i 4").server("pm2-runtime").workers(4).timeout(2));
    }

    static Stream<Expect> inits() {
        return Stream.of(
                argv("tini -- gunicorn -b 0.0.0.0:8000 app")
                        .init("tini")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("/usr/bin/tini -g -- gunicorn app")
                        .init("tini")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("tini -s -p SIGTERM -- gunicorn app")
                        .init("tini")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("dumb-init -- celery -A proj worker -l info")
                        .init("dumb-init")
                        .server("celery")
                        .termIsGraceful(),
                argv("dumb-init --rewrite 15:3 -- unicorn -c config/unicorn.rb")
                        .init("dumb-init")
                        .server("unicorn")
                        .defaultPort(8080)
                        .timeout(60)
                        .http(),
                argv("catatonit -- nginx -g 'daemon off;'")
                        .init("catatonit")
                        .server("nginx")
                        .defaultPort(80)
                        .http(),
                argv("docker-init -- php-fpm -F").init("tini").server("php-fpm").defaultPort(9000),
                argv("tini-static -- dumb-init gunicorn app")
                        .init("tini")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("/init").init("s6-overlay"),
                argv("/init gunicorn app")
                        .init("s6-overlay")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("/app/init gunicorn app"),
                argv("supervisord -n -c /etc/supervisor/supervisord.conf").processManager("supervisord"),
                argv("/usr/bin/supervisord -c /etc/supervisord.conf").processManager("supervisord"),
                argv("tini -- supervisord -n").init("tini").processManager("supervisord"),
                argv("python -m supervisor.supervisord -n").wrappers("python").processManager("supervisord"),
                argv("s6-svscan /etc/services.d").processManager("s6-svscan"),
                argv("runsvdir -P /etc/service").processManager("runit"),
                argv("pm2 start app.js").processManager("pm2"),
                // apache/airflow: ENTRYPOINT dumb-init -- /entrypoint, whose python mode execs python "$@"
                argv("/usr/bin/dumb-init -- /entrypoint python -m celery -A proj worker")
                        .init("dumb-init")
                        .wrappers("airflow entrypoint", "python")
                        .server("celery")
                        .termIsGraceful(),
                // the same script runs anything else as an airflow subcommand: not passed through
                argv("/usr/bin/dumb-init -- /entrypoint gunicorn app").init("dumb-init"));
    }

    static Stream<Expect> launchers() {
        return Stream.of(
                argv("newrelic-admin run-program gunicorn -c gunicorn.conf.py app.wsgi")
                        .wrappers("newrelic-admin run-program")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("ddtrace-run gunicorn app")
                        .wrappers("ddtrace-run")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("opentelemetry-instrument --traces_exporter otlp --service_name api gunicorn -w 2 app")
                        .wrappers("opentelemetry-instrument")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .workers(2)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("env PORT=9000 gunicorn app")
                        .env("PORT", "5000")
                        .wrappers("env")
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(9000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("env -i gunicorn app")
                        .env("PORT", "5000")
                        .wrappers("env")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("gosu app gunicorn app")
                        .wrappers("gosu")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("su-exec www-data:www-data php-fpm -F")
                        .wrappers("su-exec")
                        .server("php-fpm")
                        .defaultPort(9000),
                argv("exec gunicorn app")
                        .wrappers("exec")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("poetry run gunicorn app")
                        .wrappers("poetry run")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("pipenv run gunicorn app")
                        .wrappers("pipenv run")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("uv run --frozen --with gunicorn gunicorn app -w 2")
                        .wrappers("uv run")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .workers(2)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("setsid gunicorn app")
                        .wrappers("setsid")
                        .notDirect()
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("nice -n 5 celery -A proj worker")
                        .wrappers("nice")
                        .server("celery")
                        .termIsGraceful(),
                argv("dumb-init -- gosu celery newrelic-admin run-program celery -A proj worker")
                        .init("dumb-init")
                        .wrappers("gosu", "newrelic-admin run-program")
                        .server("celery")
                        .termIsGraceful(),
                argv("python -c 'import app; app.run()'").wrappers("python"),
                argv("python3 -u -W ignore -mgunicorn app")
                        .wrappers("python")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("env -u DEBUG WEB_CONCURRENCY=6 gunicorn app")
                        .wrappers("env")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .workers(6)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("dumb-init -c gunicorn app")
                        .init("dumb-init")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("sudo -u app uv run gunicorn app")
                        .wrappers("sudo", "uv run")
                        .server("gunicorn")
                        .defaultPort(8000)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("uv pip install gunicorn"));
    }

    static Stream<Expect> projects() {
        return Stream.of(
                argv("airflow webserver")
                        .wrappers("airflow webserver")
                        .notDirect()
                        .server("gunicorn")
                        .defaultPort(8080)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("airflow webserver --port 8081 --workers 2")
                        .wrappers("airflow webserver")
                        .notDirect()
                        .server("gunicorn")
                        .portFromFlags(8081)
                        .workers(2)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("airflow celery worker")
                        .wrappers("airflow celery worker")
                        .server("celery")
                        .termIsGraceful(),
                argv("airflow scheduler"),
                argv("airflow celery flower"),
                argv("sentry run web")
                        .wrappers("sentry run web")
                        .server("uwsgi")
                        .defaultPort(9000)
                        .timeout(60)
                        .termIsGraceful()
                        .http(),
                argv("sentry --config /etc/sentry run web --bind 0.0.0.0:9000 --workers 3")
                        .wrappers("sentry run web")
                        .server("uwsgi")
                        .host("0.0.0.0")
                        .portFromFlags(9000)
                        .workers(3)
                        .timeout(60)
                        .termIsGraceful()
                        .http(),
                argv("sentry run worker"),
                argv("label-studio-uwsgi")
                        .wrappers("label-studio-uwsgi")
                        .server("uwsgi")
                        .defaultPort(8000)
                        .timeout(60)
                        .http(),
                argv("mlflow server --host 0.0.0.0 --port 5000 --workers 2")
                        .wrappers("mlflow server")
                        .notDirect()
                        .server("gunicorn")
                        .host("0.0.0.0")
                        .portFromFlags(5000)
                        .workers(2)
                        .timeout(30)
                        .termIsGraceful()
                        .http(),
                argv("python manage.py rqworker default")
                        .wrappers("python", "manage.py rqworker")
                        .server("rq")
                        .termIsGraceful(),
                argv("apachectl -D FOREGROUND")
                        .wrappers("apachectl")
                        .notDirect()
                        .server("httpd")
                        .defaultPort(80)
                        .http());
    }

    static Stream<Expect> notServers() {
        return Stream.of(
                argv("uvicorn app:app"),
                argv("uvicorn app:app --workers 1"),
                argv("hypercorn app:app"),
                argv("granian --interface asgi app:app"),
                argv("sh -c 'gunicorn app'"),
                argv("bash -c 'exec gunicorn app'"),
                argv("/docker-entrypoint.sh nginx -g 'daemon off;'"),
                argv("node server.js"),
                argv("java -jar app.jar"),
                argv("sidekiq -C config/sidekiq.yml"),
                argv(""));
    }
}
