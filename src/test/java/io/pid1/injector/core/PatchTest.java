package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.JsonPatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The patch builder: what operations read like, and that they turn {@code from} into {@code to}. */
class PatchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "equal documents give no operation | {'a':1} | {'a':1} | []",
                "a new key is an add | {'a':1} | {'a':1,'b':2} | [{'op':'add','path':'/b','value':2}]",
                "a list of words is replaced whole | {'c':['sh','-c','x']} | {'c':['x','y']} | [{'op':'replace','path':'/c','value':['x','y']}]",
                "objects appended to a list are adds | {'v':[{'n':1}]} | {'v':[{'n':1},{'n':2}]} | [{'op':'add','path':'/v/1','value':{'n':2}}]",
                "an object put first is an add at 0 | {'i':[{'n':1}]} | {'i':[{'n':0},{'n':1}]} | [{'op':'add','path':'/i/0','value':{'n':0}}]",
                "list items are compared in place | {'c':[{'n':1,'x':1}]} | {'c':[{'n':1,'x':2}]} | [{'op':'replace','path':'/c/0/x','value':2}]",
                "a removed key is a remove | {'a':1,'b':2} | {'a':1} | [{'op':'remove','path':'/b'}]",
                "keys are escaped per RFC 6901 | {'m':{}} | {'m':{'pid1.io/status':'x','a~b':1}} | [{'op':'add','path':'/m/pid1.io~1status','value':'x'},{'op':'add','path':'/m/a~0b','value':1}]",
                "a list reordered is replaced whole | {'v':[{'n':1},{'n':2}]} | {'v':[{'n':2},{'n':1},{'n':3}]} | [{'op':'replace','path':'/v','value':[{'n':2},{'n':1},{'n':3}]}]",
            })
    void diff(String title, String from, String to, String expected) throws Exception {
        JsonNode a = read(from);
        JsonNode b = read(to);
        JsonNode patch = Patch.diff(a, b);
        assertEquals(read(expected), patch, title);
        assertEquals(b, JsonPatch.apply(patch, a), title);
    }

    private static JsonNode read(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }
}
