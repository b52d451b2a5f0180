/* dealerbridge._speedups: two C walks behind the pure-Python checks of dealerbridge._json.
 *
 * Both only ever *accept*: a "no" (-1) sends the caller to the pure-Python code, which decides
 * and names every problem, so a verdict never depends on whether this module was built
 * (tests/test_speedups.py holds each function to its Python counterpart). Neither calls back
 * into Python code: only exact built-in types are looked at, so a hostile subclass (a
 * __hash__ or __eq__ that raises) cannot run here.
 *
 *   clean(value) -> int
 *       The number of object members in *value* when it is a plain JSON value (exact dict,
 *       list, str, int within int64, finite float, bool, None; at most MAX_DEPTH levels of
 *       nesting; at most MAX_EXPANDED_VALUES values counted with every reuse), else -1, or
 *       -2 when it counted more values than that (a container reused many times, or just a
 *       big value: the Python walk, which sees reuse, decides).
 *       What _json._clean decides in Python, about 10x faster (notes/decisions-speed.md).
 *
 *   structure(data) -> int
 *       One pass over JSON bytes: the number of members written (colons outside strings),
 *       or -1 when brackets nest deeper than MAX_DEPTH or an integer is written with 19 or
 *       more digits (near or past the 64-bit range: the careful reader names it). Exact for
 *       valid JSON; invalid JSON is the parser's to reject.
 *
 *   same(a, b) -> int
 *       1 when two JSON values are equal with the same types and the same member order (what
 *       marshal, format 0, writes byte for byte: 1, 1.0 and True differ, as do 0.0 and -0.0
 *       and two orders of one object's members), 0 when they differ, -1 for a type it does
 *       not know or nesting deeper than MAX_DEPTH (the caller then asks marshal). dump uses it
 *       to tell an unchanged string-holding-JSON member from a changed one.
 *
 * The limits are passed in by _json (limits(max_depth, max_values)), so they are defined once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

/* SWAR (several bytes in one 64-bit word) on little-endian GCC/Clang, where the lowest set
 * bit of HAS_BYTE's result marks the first matching byte; elsewhere the byte loop alone.
 * HAS_BYTE(w, c) is non-zero exactly when a byte of w equals c (the classic has-zero-byte
 * test on w XOR c repeated; bits above the first match may be spurious, the lowest is not). */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#include <stdint.h>
#include <string.h>
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HAS_BYTE(w, c) ((((w) ^ (ONES * (c))) - ONES) & ~((w) ^ (ONES * (c))) & HIGHS)
#else
#define SWAR 0
#endif

static int max_depth = 64;
static Py_ssize_t max_values = 1000000;

/* A string or null: always plain, and most of a payload's values. */
#define LEAF(o) (Py_TYPE(o) == &PyUnicode_Type || (o) == Py_None)

static Py_ssize_t clean_value(PyObject *o, int depth, Py_ssize_t *count);

/* One member value or item of a container at *depth*: a string or null counted in place (most
 * values of a payload: no call), anything else walked. 0, or clean_value's -1 or -2. */
static inline Py_ssize_t
visit(PyObject *item, int depth, Py_ssize_t *count, Py_ssize_t *members)
{
    if (LEAF(item)) {
        return ++*count > max_values ? -2 : 0;
    }
    Py_ssize_t inner = clean_value(item, depth + 1, count);
    if (inner < 0) {
        return inner;
    }
    *members += inner;
    return 0;
}

/* Members of *o*; -1: not plain; -2: more than max_values values (the Python walk decides). */
static Py_ssize_t
clean_value(PyObject *o, int depth, Py_ssize_t *count)
{
    if (++*count > max_values) {
        return -2;
    }
    PyTypeObject *t = Py_TYPE(o);
    if (t == &PyUnicode_Type || o == Py_None || t == &PyBool_Type) {
        return 0;
    }
    if (t == &PyDict_Type || t == &PyList_Type) {
        if (depth >= max_depth) {
            return -1;
        }
        Py_ssize_t members = 0, failed = 0;
        if (t == &PyDict_Type) {
            members = PyDict_GET_SIZE(o);
            Py_ssize_t pos = 0;
            PyObject *key, *item;
            while (failed == 0 && PyDict_Next(o, &pos, &key, &item)) {
                failed = visit(item, depth, count, &members);
            }
        }
        else {
            /* The size is read on every turn: no Python code runs here, but stay exact. */
            for (Py_ssize_t i = 0; failed == 0 && i < PyList_GET_SIZE(o); i++) {
                failed = visit(PyList_GET_ITEM(o, i), depth, count, &members);
            }
        }
        return failed != 0 ? failed : members;
    }
    if (t == &PyLong_Type) {
        int overflow = 0;
        (void)PyLong_AsLongLongAndOverflow(o, &overflow); /* never raises for an exact int */
        return overflow == 0 ? 0 : -1;
    }
    if (t == &PyFloat_Type) {
        return isfinite(PyFloat_AS_DOUBLE(o)) ? 0 : -1;
    }
    return -1;
}

static PyObject *
speedups_clean(PyObject *module, PyObject *value)
{
    Py_ssize_t count = 0;
    return PyLong_FromSsize_t(clean_value(value, 0, &count));
}

/* The type of None (not a public symbol of the C API): set at module init. */
static PyTypeObject *none_type;

/* A type `same` knows (the types clean accepts). */
#define KNOWN(t)                                                                     \
    ((t) == &PyUnicode_Type || (t) == &PyLong_Type || (t) == &PyFloat_Type ||          \
     (t) == &PyBool_Type || (t) == none_type || (t) == &PyList_Type ||             \
     (t) == &PyDict_Type)

static int
same_value(PyObject *a, PyObject *b, int depth)
{
    PyTypeObject *t = Py_TYPE(a);
    if (!KNOWN(t) || !KNOWN(Py_TYPE(b))) {
        return -1;
    }
    if (t != Py_TYPE(b)) {
        return 0;
    }
    if (t == &PyUnicode_Type) {
        return a == b || PyUnicode_Compare(a, b) == 0; /* exact str: never raises */
    }
    if (t == &PyLong_Type) {
        return a == b || PyObject_RichCompareBool(a, b, Py_EQ) == 1; /* exact int: no code */
    }
    if (t == &PyFloat_Type) { /* bit for bit: 0.0 and -0.0 differ, as their reprs do */
        double x = PyFloat_AS_DOUBLE(a), y = PyFloat_AS_DOUBLE(b);
        return memcmp(&x, &y, sizeof x) == 0;
    }
    if (t == &PyBool_Type || t == none_type) { /* singletons */
        return a == b;
    }
    if (depth >= max_depth) {
        return -1;
    }
    if (t == &PyList_Type) {
        if (PyList_GET_SIZE(a) != PyList_GET_SIZE(b)) {
            return 0;
        }
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(a) && i < PyList_GET_SIZE(b); i++) {
            int r = same_value(PyList_GET_ITEM(a, i), PyList_GET_ITEM(b, i), depth + 1);
            if (r != 1) {
                return r;
            }
        }
        return 1;
    }
    /* objects: the same names with the same values, in the same order */
    if (PyDict_GET_SIZE(a) != PyDict_GET_SIZE(b)) {
        return 0;
    }
    Py_ssize_t pa = 0, pb = 0;
    PyObject *ka, *va, *kb, *vb;
    while (PyDict_Next(a, &pa, &ka, &va)) {
        if (!PyDict_Next(b, &pb, &kb, &vb)) {
            return 0;
        }
        if (Py_TYPE(ka) != &PyUnicode_Type || Py_TYPE(kb) != &PyUnicode_Type) {
            return -1;
        }
        if (ka != kb && PyUnicode_Compare(ka, kb) != 0) {
            return 0;
        }
        int r = same_value(va, vb, depth + 1);
        if (r != 1) {
            return r;
        }
    }
    return 1;
}

static PyObject *
speedups_same(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "same() takes exactly two arguments");
        return NULL;
    }
    return PyLong_FromLong(same_value(args[0], args[1], 0));
}

static Py_ssize_t
scan_structure(const unsigned char *p, Py_ssize_t n)
{
    Py_ssize_t members = 0;
    int depth = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c == '"') { /* a string: to its closing quote, escapes skipped */
            i++;
#if SWAR
            /* Eight bytes at a time to the string's first quote or backslash: a payload's
             * bytes are mostly string contents without escapes (memchr measured slower on
             * short strings). From there, byte by byte: in a document stringified into a
             * member escapes come every few bytes, where words cost more than they skip. */
            while (n - i >= 8) {
                uint64_t word;
                memcpy(&word, p + i, 8);
                uint64_t found = HAS_BYTE(word, '"') | HAS_BYTE(word, '\\');
                if (found != 0) {
                    i += (Py_ssize_t)(__builtin_ctzll(found) >> 3); /* the first of them */
                    break;
                }
                i += 8;
            }
#endif
            while (i < n) {
                c = p[i];
                if (c == '\\') {
                    i += 2;
                }
                else if (c == '"') {
                    break;
                }
                else {
                    i++;
                }
            }
            i++;
            continue;
        }
        if (c == ':') {
            members++;
        }
        else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return -1;
            }
        }
        else if (c == ']' || c == '}') {
            depth--;
        }
        else if (c == '-' || (c >= '0' && c <= '9')) { /* a number: count an integer's digits */
            int digits = 0, fraction = 0;
            while (i < n) {
                c = p[i];
                if (c >= '0' && c <= '9') {
                    digits++;
                }
                else if (c == '.' || c == 'e' || c == 'E') {
                    fraction = 1;
                }
                else if (c != '-' && c != '+') {
                    break;
                }
                i++;
            }
            if (!fraction && digits >= 19) {
                return -1;
            }
            continue;
        }
        i++;
    }
    return members;
}

static PyObject *
speedups_structure(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    Py_ssize_t members;
    if (view.len < (1 << 16)) { /* releasing the GIL costs more than a small pass */
        members = scan_structure((const unsigned char *)view.buf, view.len);
    }
    else {
        Py_BEGIN_ALLOW_THREADS
        members = scan_structure((const unsigned char *)view.buf, view.len);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(members);
}

static PyObject *
speedups_limits(PyObject *module, PyObject *args)
{
    int depth;
    Py_ssize_t values;
    if (!PyArg_ParseTuple(args, "in:limits", &depth, &values)) {
        return NULL;
    }
    if (depth < 1 || depth > 1000 || values < 1) {
        PyErr_SetString(PyExc_ValueError, "limits out of range");
        return NULL;
    }
    max_depth = depth;
    max_values = values;
    Py_RETURN_NONE;
}

static PyMethodDef speedups_methods[] = {
    {"clean", speedups_clean, METH_O,
     "clean(value) -> members of a plain JSON value, or -1 (the Python walk decides)"},
    {"structure", speedups_structure, METH_O,
     "structure(data) -> members written in JSON bytes, or -1 (the careful reader decides)"},
    {"same", (PyCFunction)(void (*)(void))speedups_same, METH_FASTCALL,
     "same(a, b) -> 1 equal with the same types and order, 0 not, -1 not known (ask marshal)"},
    {"limits", speedups_limits, METH_VARARGS,
     "limits(max_depth, max_values): set by dealerbridge._json at import"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    "dealerbridge._speedups",
    "C walks behind dealerbridge._json's checks (accept-only; the Python code decides).",
    -1,
    speedups_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    none_type = Py_TYPE(Py_None);
    return PyModule_Create(&speedups_module);
}
