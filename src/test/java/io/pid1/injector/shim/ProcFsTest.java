package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {

    @TempDir
    Path root;

    @Test
    void readsStateParentStartTimeAndArgv() {
        new FakeProc(root).add(42, 1, 'S', 123456, "/usr/bin/python3", "/usr/bin/gunicorn", "app:app", "");
        ProcessInfo p = new ProcFs(root).process(42).orElseThrow();
        assertEquals(
                new ProcessInfo(42, 1, 'S', 123456, List.of("/usr/bin/python3", "/usr/bin/gunicorn", "app:app", "")),
                p);
    }

    @Test
    void aRetitledProcessKeepsItsPaddingAsEmptyArguments() {
        new FakeProc(root)
                .addRaw(
                        9,
                        "9 (nginx) S 0 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0",
                        "nginx: master process nginx\0\0\0");
        assertEquals(
                List.of("nginx: master process nginx", "", ""),
                new ProcFs(root).process(9).orElseThrow().argv());
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        new FakeProc(root).addRaw(7, "7 (we ird) (x)) Z 3 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 0 0", "");
        ProcessInfo p = new ProcFs(root).process(7).orElseThrow();
        assertEquals(3, p.ppid());
        assertEquals('Z', p.state());
        assertEquals(999, p.startTime());
        assertEquals(List.of(), p.argv());
    }

    @Test
    void listsOnlyNumericDirectoriesAndSkipsProcessesThatVanished() throws Exception {
        FakeProc proc = new FakeProc(root).add(1, 0, 'S', 1, "/pause").add(20, 0, 'R', 5, "nginx");
        Files.createDirectories(root.resolve("self"));
        Files.createDirectories(root.resolve("33"));
        List<Integer> pids = new ProcFs(root)
                .processes().stream()
                        .map(ProcessInfo::pid)
                        .sorted(Comparator.naturalOrder())
                        .toList();
        assertEquals(List.of(1, 20), pids);
        proc.remove(20);
        assertTrue(new ProcFs(root).process(20).isEmpty());
    }

    @Test
    void sameProcessNeedsTheSameStartTime() {
        FakeProc proc = new FakeProc(root).add(50, 0, 'S', 100, "gunicorn");
        ProcessInfo known = new ProcFs(root).process(50).orElseThrow();
        assertTrue(new ProcFs(root).same(known).isPresent());
        proc.add(50, 0, 'S', 200, "gunicorn");
        assertTrue(new ProcFs(root).same(known).isEmpty(), "a reused PID is another process");
    }

    @Test
    void zombiesAndStoppedProcessesAreNotLive() {
        assertFalse(new ProcessInfo(1, 0, 'Z', 0, List.of()).live());
        assertFalse(new ProcessInfo(1, 0, 'T', 0, List.of("x")).live());
        assertFalse(new ProcessInfo(1, 0, 't', 0, List.of("x")).live());
        assertTrue(new ProcessInfo(1, 0, 't', 0, List.of("x")).running());
        assertTrue(new ProcessInfo(1, 0, 'D', 0, List.of("x")).live());
        assertFalse(new ProcessInfo(1, 0, 'X', 0, List.of("x")).running());
    }

    @Test
    void theRealProcShowsThisJvm() {
        long self = ProcessHandle.current().pid();
        ProcessInfo me = ProcFs.system().process((int) self).orElseThrow();
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), me.ppid());
        assertTrue(me.argv().get(0).endsWith("java"), me.argv().toString());
    }
}
