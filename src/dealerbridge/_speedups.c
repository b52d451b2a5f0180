/* dealerbridge._speedups: C walks behind the pure-Python checks of dealerbridge._json and the
 * engine's verdict in dealerbridge._engine.
 *
 * All only ever *accept*: a "no" (-1) sends the caller to the pure-Python code, which decides
 * and names every problem, so a verdict never depends on whether this module was built
 * (tests/test_speedups.py holds each function to its Python counterpart). None calls back
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
 *   checker(nodes, patterns) -> Checker; Checker.check(value) -> int
 *       A schema compiled by dealerbridge._checker, walked over a value in one pass that also
 *       makes the value check: 1 valid, 0 invalid, -1 not known. Only a 1 is used (the quick
 *       yes of dealerbridge._engine); the engine decides everything else (section below).
 *
 * The limits are passed in by _json (limits(max_depth, max_values)), so they are defined once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>
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

/* ------------------------------------------------------------------------------------------
 * Checker: a schema compiled by dealerbridge._checker into nodes, walked over a Python value in
 * one pass that also makes the value check (exact JSON types, int64, finite floats, depth,
 * count, member names that are str, no lone surrogate).
 *
 *   checker(nodes, patterns) -> Checker;  Checker.check(value) -> int
 *       1: the value is plain JSON and valid against node 0; 0: plain and invalid; -1: not
 *       known (a keyword, value or comparison this walk leaves to the engine). Only a 1 is
 *       used as a verdict (the quick yes of CompiledSchema); a 0 or -1 sends the caller to
 *       the engine, which decides and names the problem. Inside the walk a 0 is as exact as
 *       a 1, because `not`, `if`, `anyOf` and `oneOf` turn one into the other.
 *
 * A node is a tuple written by dealerbridge._checker (its docstring lists the fields); a
 * pattern is a DFA over code points built there from an ECMA-262 pattern of a known subset.
 * Like the walks above, no Python code is ever called: exact built-in types only.
 */

enum { K_NULL = 1, K_BOOL = 2, K_INT = 4, K_FLOAT = 8, K_STR = 16, K_LIST = 32, K_DICT = 64 };
/* `types` also uses T_INTEGER for "integer": an int, and a float only when not integral
 * (then invalid); an integral float is left to the engine (Draft 2020-12 calls it an integer,
 * and the engine's copy bounds integers to int64). */
#define T_INTEGER 128

enum { B_MIN, B_MAX, B_XMIN, B_XMAX };

typedef struct {
    int kind;      /* B_* */
    int is_int;    /* the limit is an int within int64 (else a double) */
    long long i;
    double d;
} Bound;

/* A property name of a node, in an open-addressing table keyed by the str's hash. */
typedef struct {
    Py_hash_t hash;
    PyObject *name; /* NULL: an empty slot */
    long target;    /* node * 2, + 1 when the name is required */
} Prop;

typedef struct {
    int opaque, falsy;
    unsigned types; /* 0: no type keyword */
    Py_ssize_t min_len, max_len;
    Py_ssize_t npats;
    int *pats;
    int format;     /* 0 none, 1 date, 2 date-time */
    int nbounds;
    Bound bounds[4];
    PyObject *enum_strs, *enum_ints; /* borrowed from the node tuple (kept alive by it) */
    int has_enum, enum_flags;
    Prop *props;           /* NULL: no properties keyword */
    size_t props_mask;     /* slots - 1 (a power of two at least twice the names) */
    Py_ssize_t nreq_props; /* the required names among them */
    PyObject *required;    /* tuple of the other required names (borrowed) */
    int additional;
    Py_ssize_t npp;
    int *pp_pat, *pp_node;
    int items;
    Py_ssize_t nall, nany, none;
    int *all, *any, *one;
    int not_, if_, then_, else_;
    /* allOf, anyOf or oneOf (a $ref is in allOf) is present: the node is valid only when one
     * of them is, and a node that answers 1 has checked that the whole value is plain JSON,
     * so members no keyword of this node names need no walk here */
    int covered;
} Node;

/* enum_flags */
#define E_NULL 1
#define E_TRUE 2
#define E_FALSE 4
#define E_NUMBERS 8     /* the enum has a float: an int or float value is left to the engine */
#define E_CONTAINERS 16 /* the enum has an array or object */
#define E_INTS 32       /* the enum has an int: a float value is left to the engine */

typedef struct {
    Py_ssize_t nclasses, nstates;
    Py_UCS4 *starts;       /* first code point of each class, ascending, starts[0] == 0 */
    unsigned short ascii[128];
    int *table;            /* nstates * nclasses; -1: dead */
    unsigned char *accept, *sticky;
    int start;
    int backwards; /* read from the last code point to the first */
} Dfa;

typedef struct {
    PyObject_HEAD
    PyObject *source; /* (nodes, patterns): keeps every borrowed object alive */
    Py_ssize_t nnodes, ndfas;
    Node *nodes;
    Dfa *dfas;
} CheckerObject;

#define MAX_RECURSION 1000

typedef struct {
    CheckerObject *c;
    Py_ssize_t count; /* values visited (bounded by max_values) */
    Py_ssize_t steps; /* nodes applied (bounded by MAX_STEPS: a schema whose combinators
                       * branch without consuming the value cannot run away) */
} Walk;

#define MAX_STEPS 10000000

static int
str_clean(PyObject *s)
{
    /* 1 when *s* holds no lone surrogate (the engine cannot read one) */
    if (PyUnicode_IS_ASCII(s)) {
        return 1;
    }
    int kind = PyUnicode_KIND(s);
    if (kind == PyUnicode_1BYTE_KIND) {
        return 1;
    }
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch >= 0xD800 && ch <= 0xDFFF) {
            return 0;
        }
    }
    return 1;
}

/* The kind of a plain JSON value, or 0 when it is not one (the engine decides). */
static int
kind_of(PyObject *v)
{
    PyTypeObject *t = Py_TYPE(v);
    if (t == &PyUnicode_Type) {
        return str_clean(v) ? K_STR : 0;
    }
    if (v == Py_None) {
        return K_NULL;
    }
    if (t == &PyDict_Type) {
        return K_DICT;
    }
    if (t == &PyList_Type) {
        return K_LIST;
    }
    if (t == &PyBool_Type) {
        return K_BOOL;
    }
    if (t == &PyLong_Type) {
        int overflow = 0;
        (void)PyLong_AsLongLongAndOverflow(v, &overflow);
        return overflow == 0 ? K_INT : 0;
    }
    if (t == &PyFloat_Type) {
        return isfinite(PyFloat_AS_DOUBLE(v)) ? K_FLOAT : 0;
    }
    return 0;
}

#define ASCII_OR_NULL(o)                                                                     \
    ((o) == Py_None || (Py_TYPE(o) == &PyUnicode_Type && PyUnicode_IS_ASCII(o)))

/* 1 when *v* is plain JSON (exact types, int64, finite floats, at most max_depth levels and
 * max_values values, str member names, no lone surrogate), else -1. */
static int
free_walk(Walk *w, PyObject *v, int depth)
{
    if (++w->count > max_values) {
        return -1;
    }
    int k = kind_of(v);
    if (k == 0) {
        return -1;
    }
    if (k == K_DICT || k == K_LIST) {
        if (depth >= max_depth) {
            return -1;
        }
        if (k == K_DICT) {
            Py_ssize_t pos = 0;
            PyObject *key, *item;
            while (PyDict_Next(v, &pos, &key, &item)) {
                if (Py_TYPE(key) != &PyUnicode_Type || !str_clean(key)) {
                    return -1;
                }
                if (ASCII_OR_NULL(item)) { /* most values: counted in place */
                    if (++w->count > max_values) {
                        return -1;
                    }
                }
                else if (free_walk(w, item, depth + 1) < 0) {
                    return -1;
                }
            }
        }
        else {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
                PyObject *item = PyList_GET_ITEM(v, i);
                if (ASCII_OR_NULL(item)) {
                    if (++w->count > max_values) {
                        return -1;
                    }
                }
                else if (free_walk(w, item, depth + 1) < 0) {
                    return -1;
                }
            }
        }
    }
    return 1;
}

/* 1 match, 0 no match (the string holds no lone surrogate: checked before). */
static int
dfa_match(const Dfa *d, PyObject *s)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int state = d->start;
    for (Py_ssize_t j = 0; j < n; j++) {
        if (d->sticky[state]) {
            return 1;
        }
        Py_UCS4 ch = PyUnicode_READ(kind, data, d->backwards ? n - 1 - j : j);
        Py_ssize_t cls;
        if (ch < 128) {
            cls = d->ascii[ch];
        }
        else { /* the last class starting at or below ch */
            Py_ssize_t lo = 0, hi = d->nclasses - 1;
            while (lo < hi) {
                Py_ssize_t mid = (lo + hi + 1) / 2;
                if (d->starts[mid] <= ch) {
                    lo = mid;
                }
                else {
                    hi = mid - 1;
                }
            }
            cls = lo;
        }
        state = d->table[(Py_ssize_t)state * d->nclasses + cls];
        if (state < 0) {
            return 0;
        }
    }
    return d->accept[state];
}

static int
digits(const Py_UCS1 *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return 0;
        }
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 1;
}

/* YYYY-MM-DD, a real Gregorian date (year 0000 included, as the engine accepts it). */
static int
is_date(const Py_UCS1 *p)
{
    int y, m, d;
    if (!digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &m) || p[7] != '-' ||
        !digits(p + 8, 2, &d)) {
        return 0;
    }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) {
        return 0;
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

/* 1 when the string is a format's value in a subset the engine is known to accept (a real
 * date; a date-time with an upper-case T, seconds below 60, and Z or a +hh:mm offset below
 * 24 hours); -1 otherwise (the engine decides: it accepts more, such as a leap second). */
static int
format_yes(int format, PyObject *s)
{
    if (!PyUnicode_IS_ASCII(s)) {
        return -1;
    }
    const Py_UCS1 *p = PyUnicode_1BYTE_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (format == 1) {
        return n == 10 && is_date(p) ? 1 : -1;
    }
    int hh, mm, ss;
    if (n < 20 || !is_date(p) || p[10] != 'T' || !digits(p + 11, 2, &hh) || p[13] != ':' ||
        !digits(p + 14, 2, &mm) || p[16] != ':' || !digits(p + 17, 2, &ss) || hh > 23 ||
        mm > 59 || ss > 59) {
        return -1;
    }
    Py_ssize_t i = 19;
    if (p[i] == '.') {
        Py_ssize_t first = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
        if (i == first) {
            return -1;
        }
    }
    if (i == n - 1 && p[i] == 'Z') {
        return 1;
    }
    if (i == n - 6 && (p[i] == '+' || p[i] == '-') && digits(p + i + 1, 2, &hh) &&
        p[i + 3] == ':' && digits(p + i + 4, 2, &mm) && hh <= 23 && mm <= 59) {
        return 1;
    }
    return -1;
}

/* 2^53: below it every int is exact as a double. */
#define EXACT 9007199254740992.0

/* One bound against a number: 1 within, 0 past it, -1 not known exactly. */
static int
bound_ok(const Bound *b, int k, PyObject *v)
{
    int cmp; /* sign of value - limit */
    if (k == K_INT && b->is_int) {
        long long x = PyLong_AsLongLong(v);
        cmp = (x > b->i) - (x < b->i);
    }
    else {
        double x, y;
        if (k == K_INT) {
            long long i = PyLong_AsLongLong(v);
            if (i > (long long)EXACT || i < -(long long)EXACT) {
                return -1;
            }
            x = (double)i;
        }
        else {
            x = PyFloat_AS_DOUBLE(v);
        }
        if (b->is_int) {
            if (b->i > (long long)EXACT || b->i < -(long long)EXACT || fabs(x) >= EXACT) {
                return -1;
            }
            y = (double)b->i;
        }
        else {
            y = b->d;
        }
        cmp = (x > y) - (x < y);
    }
    switch (b->kind) {
    case B_MIN:
        return cmp >= 0;
    case B_MAX:
        return cmp <= 0;
    case B_XMIN:
        return cmp > 0;
    default:
        return cmp < 0;
    }
}

/* Two exact str equal (a str is stored in the narrowest kind that holds it, so equal strings
 * have one kind and the same bytes). */
static inline int
str_equal(PyObject *a, PyObject *b)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return a == b ||
           (PyUnicode_GET_LENGTH(b) == len && PyUnicode_KIND(b) == kind &&
            memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)len * (size_t)kind) == 0);
}

/* The target of member name *key* (an exact str) in a node's properties, or -1. */
static inline long
prop_target(const Node *n, PyObject *key)
{
    Py_hash_t hash = PyObject_Hash(key); /* an exact str: cached, never calls Python code */
    for (size_t i = (size_t)hash & n->props_mask;; i = (i + 1) & n->props_mask) {
        const Prop *p = &n->props[i];
        if (p->name == NULL) {
            return -1;
        }
        if (p->hash == hash && str_equal(p->name, key)) {
            return p->target;
        }
    }
}

static int check(Walk *w, int index, PyObject *v, int k, int depth, int rec);

/* A member or item checked against node *index*: counted, its kind read, then walked. */
static inline int
visit_member(Walk *w, int index, PyObject *item, int depth, int rec)
{
    if (++w->count > max_values) {
        return -1;
    }
    int k = kind_of(item);
    return k == 0 ? -1 : check(w, index, item, k, depth + 1, rec + 1);
}

/* Conjunction of results: a 0 wins, then a -1. */
#define AND(acc, r)                                                                          \
    do {                                                                                     \
        int r_ = (r);                                                                        \
        if (r_ == 0) {                                                                       \
            return 0;                                                                        \
        }                                                                                    \
        if (r_ < 0) {                                                                        \
            acc = -1;                                                                        \
        }                                                                                    \
    } while (0)

static int
check_enum(const Node *n, int k, PyObject *v)
{
    int f = n->enum_flags;
    switch (k) {
    case K_NULL:
        return (f & E_NULL) != 0;
    case K_BOOL:
        return (f & (v == Py_True ? E_TRUE : E_FALSE)) != 0;
    case K_STR: {
        int r = PySet_Contains(n->enum_strs, v); /* exact str: never raises */
        return r == 1;
    }
    case K_INT: {
        if (PySet_Contains(n->enum_ints, v) == 1) {
            return 1;
        }
        return (f & E_NUMBERS) ? -1 : 0;
    }
    case K_FLOAT:
        return (f & (E_NUMBERS | E_INTS)) ? -1 : 0;
    default:
        return (f & E_CONTAINERS) ? -1 : 0;
    }
}

/* The keywords of node *index* against *v* (of kind *k*, already a plain value at its own
 * level): 1 valid, 0 invalid, -1 not known. */
static int
check(Walk *w, int index, PyObject *v, int k, int depth, int rec)
{
    if (rec > MAX_RECURSION || ++w->steps > MAX_STEPS) {
        return -1;
    }
    const Node *n = &w->c->nodes[index];
    if (n->falsy) {
        return 0;
    }
    if (n->opaque) {
        return -1;
    }
    int acc = 1;
    if (n->types != 0) {
        if (!(n->types & k)) {
            if (k == K_FLOAT && (n->types & T_INTEGER)) {
                double x = PyFloat_AS_DOUBLE(v);
                if (x == floor(x)) {
                    return -1;
                }
            }
            return 0;
        }
    }
    if (n->has_enum) {
        AND(acc, check_enum(n, k, v));
    }
    switch (k) {
    case K_STR: {
        if (n->min_len >= 0 || n->max_len >= 0) {
            Py_ssize_t len = PyUnicode_GET_LENGTH(v);
            if ((n->min_len >= 0 && len < n->min_len) || (n->max_len >= 0 && len > n->max_len)) {
                return 0;
            }
        }
        for (Py_ssize_t i = 0; i < n->npats; i++) {
            if (!dfa_match(&w->c->dfas[n->pats[i]], v)) {
                return 0;
            }
        }
        if (n->format != 0) {
            AND(acc, format_yes(n->format, v));
        }
        break;
    }
    case K_INT:
    case K_FLOAT:
        for (int i = 0; i < n->nbounds; i++) {
            AND(acc, bound_ok(&n->bounds[i], k, v));
        }
        break;
    case K_LIST:
    case K_DICT:
        if (depth >= max_depth) {
            return -1;
        }
        if (k == K_LIST) {
            if (n->items < 0 && n->covered) {
                break; /* an applicator below checks every item */
            }
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
                PyObject *item = PyList_GET_ITEM(v, i);
                AND(acc, n->items >= 0 ? visit_member(w, n->items, item, depth, rec)
                                       : free_walk(w, item, depth + 1));
            }
            break;
        }
        if (n->required != NULL) {
            /* Required names that are not properties (rare): looked for among the members
             * by this walk, not by PyDict_Contains, which would call the __eq__ of a
             * member name that is not a str. */
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(n->required); i++) {
                PyObject *name = PyTuple_GET_ITEM(n->required, i);
                int found = 0;
                Py_ssize_t pos = 0;
                PyObject *key, *item;
                while (!found && PyDict_Next(v, &pos, &key, &item)) {
                    if (Py_TYPE(key) != &PyUnicode_Type) {
                        return -1;
                    }
                    found = str_equal(key, name);
                }
                if (!found) {
                    return 0;
                }
            }
        }
        int own = n->props != NULL || n->npp > 0 || n->additional >= 0;
        if (!own && n->covered) {
            break; /* an applicator below checks every member */
        }
        Py_ssize_t found_required = 0;
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        while (PyDict_Next(v, &pos, &key, &item)) {
            if (Py_TYPE(key) != &PyUnicode_Type || !str_clean(key)) {
                return -1;
            }
            long target = n->props != NULL ? prop_target(n, key) : -1;
            if (target >= 0) {
                found_required += target & 1;
                AND(acc, visit_member(w, (int)(target >> 1), item, depth, rec));
            }
            int matched = 0;
            for (Py_ssize_t i = 0; i < n->npp; i++) {
                if (dfa_match(&w->c->dfas[n->pp_pat[i]], key)) {
                    matched = 1;
                    AND(acc, visit_member(w, n->pp_node[i], item, depth, rec));
                }
            }
            if (target < 0 && !matched) {
                if (n->additional >= 0) {
                    AND(acc, visit_member(w, n->additional, item, depth, rec));
                }
                else {
                    AND(acc, free_walk(w, item, depth + 1));
                }
            }
        }
        if (found_required != n->nreq_props) {
            return 0; /* a required property is missing */
        }
        break;
    default:
        break;
    }
    /* in-place applicators */
    for (Py_ssize_t i = 0; i < n->nall; i++) {
        AND(acc, check(w, n->all[i], v, k, depth, rec + 1));
    }
    if (n->nany > 0) {
        int any = 0; /* 1 when one branch is valid; else -1 when one is not known */
        for (Py_ssize_t i = 0; i < n->nany && any != 1; i++) {
            int r = check(w, n->any[i], v, k, depth, rec + 1);
            if (r != 0) {
                any = r;
            }
        }
        AND(acc, any);
    }
    if (n->none > 0) {
        int valid = 0, unknown = 0; /* two valid branches decide it: invalid */
        for (Py_ssize_t i = 0; i < n->none && valid < 2; i++) {
            int r = check(w, n->one[i], v, k, depth, rec + 1);
            valid += r == 1;
            unknown += r < 0;
        }
        AND(acc, valid > 1 ? 0 : unknown > 0 ? -1 : valid == 1);
    }
    if (n->not_ >= 0) {
        int r = check(w, n->not_, v, k, depth, rec + 1);
        AND(acc, r < 0 ? -1 : !r);
    }
    if (n->if_ >= 0) {
        /* then is walked only when `if` may hold, else only when it may not */
        int r = check(w, n->if_, v, k, depth, rec + 1);
        int then_r = r != 0 && n->then_ >= 0 ? check(w, n->then_, v, k, depth, rec + 1) : 1;
        int else_r = r != 1 && n->else_ >= 0 ? check(w, n->else_, v, k, depth, rec + 1) : 1;
        /* not known: valid or invalid only when both branches say so */
        AND(acc, r == 1 ? then_r : r == 0 ? else_r : then_r == else_r ? then_r : -1);
    }
    return acc;
}

static void
checker_free_tables(CheckerObject *self)
{
    if (self->nodes != NULL) {
        for (Py_ssize_t i = 0; i < self->nnodes; i++) {
            Node *n = &self->nodes[i];
            PyMem_Free(n->pats);
            PyMem_Free(n->props);
            PyMem_Free(n->pp_pat);
            PyMem_Free(n->pp_node);
            PyMem_Free(n->all);
            PyMem_Free(n->any);
            PyMem_Free(n->one);
        }
        PyMem_Free(self->nodes);
        self->nodes = NULL;
    }
    if (self->dfas != NULL) {
        for (Py_ssize_t i = 0; i < self->ndfas; i++) {
            PyMem_Free(self->dfas[i].starts);
            PyMem_Free(self->dfas[i].table);
            PyMem_Free(self->dfas[i].accept);
            PyMem_Free(self->dfas[i].sticky);
        }
        PyMem_Free(self->dfas);
        self->dfas = NULL;
    }
}

static void
checker_dealloc(CheckerObject *self)
{
    checker_free_tables(self);
    Py_XDECREF(self->source);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
checker_check(CheckerObject *self, PyObject *value)
{
    Walk w = {self, 1, 0};
    int k = kind_of(value);
    return PyLong_FromLong(k == 0 ? -1 : check(&w, 0, value, k, 0, 0));
}

static PyMethodDef checker_methods[] = {
    {"check", (PyCFunction)checker_check, METH_O,
     "check(value) -> 1 valid plain JSON, 0 invalid, -1 not known (the engine decides)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CheckerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "dealerbridge._speedups.Checker",
    .tp_basicsize = sizeof(CheckerObject),
    .tp_dealloc = (destructor)checker_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A schema compiled for the one-pass quick yes (see checker()).",
    .tp_methods = checker_methods,
};

/* Helpers reading the tuples dealerbridge._checker writes; each sets an exception on a shape
 * it does not expect (a bug there, not bad input). */
static int
read_int(PyObject *o, long lo, long hi, long *out)
{
    if (!PyLong_CheckExact(o)) {
        PyErr_SetString(PyExc_TypeError, "checker: expected an int");
        return -1;
    }
    long x = PyLong_AsLong(o);
    if (x == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (x < lo || x > hi) {
        PyErr_SetString(PyExc_ValueError, "checker: int out of range");
        return -1;
    }
    *out = x;
    return 0;
}

static int
read_ints(PyObject *o, long hi, int **out, Py_ssize_t *n)
{
    if (!PyTuple_CheckExact(o)) {
        PyErr_SetString(PyExc_TypeError, "checker: expected a tuple");
        return -1;
    }
    *n = PyTuple_GET_SIZE(o);
    *out = PyMem_Calloc((size_t)(*n > 0 ? *n : 1), sizeof(int));
    if (*out == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < *n; i++) {
        long x;
        if (read_int(PyTuple_GET_ITEM(o, i), 0, hi, &x) < 0) {
            return -1;
        }
        (*out)[i] = (int)x;
    }
    return 0;
}

#define NODE_FIELDS 21

static int
read_node(Node *n, PyObject *t, long nnodes, long ndfas)
{
    if (!PyTuple_CheckExact(t) || PyTuple_GET_SIZE(t) != NODE_FIELDS) {
        PyErr_SetString(PyExc_TypeError, "checker: a node is a tuple of 21 fields");
        return -1;
    }
    long x;
#define FIELD(i) PyTuple_GET_ITEM(t, i)
    if (read_int(FIELD(0), 0, 1, &x) < 0) return -1;
    n->opaque = (int)x;
    if (read_int(FIELD(1), 0, 1, &x) < 0) return -1;
    n->falsy = (int)x;
    if (read_int(FIELD(2), 0, 255, &x) < 0) return -1;
    n->types = (unsigned)x;
    if (read_int(FIELD(3), -1, LONG_MAX, &x) < 0) return -1;
    n->min_len = x;
    if (read_int(FIELD(4), -1, LONG_MAX, &x) < 0) return -1;
    n->max_len = x;
    if (read_ints(FIELD(5), ndfas - 1, &n->pats, &n->npats) < 0) return -1;
    if (read_int(FIELD(6), 0, 2, &x) < 0) return -1;
    n->format = (int)x;
    PyObject *bounds = FIELD(7); /* tuple of (kind, int or float) */
    if (!PyTuple_CheckExact(bounds) || PyTuple_GET_SIZE(bounds) > 4) {
        PyErr_SetString(PyExc_TypeError, "checker: bounds");
        return -1;
    }
    n->nbounds = (int)PyTuple_GET_SIZE(bounds);
    for (int i = 0; i < n->nbounds; i++) {
        PyObject *b = PyTuple_GET_ITEM(bounds, i);
        if (!PyTuple_CheckExact(b) || PyTuple_GET_SIZE(b) != 2 ||
            read_int(PyTuple_GET_ITEM(b, 0), 0, 3, &x) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "checker: bound");
            return -1;
        }
        n->bounds[i].kind = (int)x;
        PyObject *limit = PyTuple_GET_ITEM(b, 1);
        if (PyLong_CheckExact(limit)) {
            int overflow = 0;
            n->bounds[i].i = PyLong_AsLongLongAndOverflow(limit, &overflow);
            if (overflow != 0) {
                PyErr_SetString(PyExc_ValueError, "checker: a bound past int64");
                return -1;
            }
            n->bounds[i].is_int = 1;
        }
        else if (PyFloat_CheckExact(limit) && isfinite(PyFloat_AS_DOUBLE(limit))) {
            n->bounds[i].d = PyFloat_AS_DOUBLE(limit);
            n->bounds[i].is_int = 0;
        }
        else {
            PyErr_SetString(PyExc_TypeError, "checker: a bound is an int or a finite float");
            return -1;
        }
    }
    PyObject *en = FIELD(8); /* None or (frozenset of str, frozenset of int, flags) */
    if (en != Py_None) {
        if (!PyTuple_CheckExact(en) || PyTuple_GET_SIZE(en) != 3 ||
            !PyFrozenSet_CheckExact(PyTuple_GET_ITEM(en, 0)) ||
            !PyFrozenSet_CheckExact(PyTuple_GET_ITEM(en, 1)) ||
            read_int(PyTuple_GET_ITEM(en, 2), 0, 63, &x) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "checker: enum");
            return -1;
        }
        n->has_enum = 1;
        n->enum_strs = PyTuple_GET_ITEM(en, 0);
        n->enum_ints = PyTuple_GET_ITEM(en, 1);
        n->enum_flags = (int)x;
    }
    PyObject *props = FIELD(9);
    if (props != Py_None) {
        if (!PyDict_CheckExact(props)) {
            PyErr_SetString(PyExc_TypeError, "checker: properties");
            return -1;
        }
        size_t slots = 4;
        while (slots < 2 * (size_t)PyDict_GET_SIZE(props)) {
            slots *= 2;
        }
        n->props = PyMem_Calloc(slots, sizeof(Prop));
        if (n->props == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        n->props_mask = slots - 1;
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        while (PyDict_Next(props, &pos, &key, &item)) {
            if (!PyUnicode_CheckExact(key) || read_int(item, 0, 2 * nnodes - 1, &x) < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "checker: property");
                return -1;
            }
            Py_hash_t hash = PyObject_Hash(key);
            if (hash == -1) {
                return -1;
            }
            size_t i = (size_t)hash & n->props_mask;
            while (n->props[i].name != NULL) {
                i = (i + 1) & n->props_mask;
            }
            n->props[i] = (Prop){hash, key, x};
            n->nreq_props += x & 1;
        }
    }
    PyObject *required = FIELD(10);
    if (!PyTuple_CheckExact(required)) {
        PyErr_SetString(PyExc_TypeError, "checker: required");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(required); i++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(required, i))) {
            PyErr_SetString(PyExc_TypeError, "checker: required names are str");
            return -1;
        }
    }
    n->required = PyTuple_GET_SIZE(required) > 0 ? required : NULL;
    if (read_int(FIELD(11), -1, nnodes - 1, &x) < 0) return -1;
    n->additional = (int)x;
    PyObject *pp = FIELD(12); /* tuple of (pattern index, node index) */
    if (!PyTuple_CheckExact(pp)) {
        PyErr_SetString(PyExc_TypeError, "checker: patternProperties");
        return -1;
    }
    n->npp = PyTuple_GET_SIZE(pp);
    n->pp_pat = PyMem_Calloc((size_t)(n->npp > 0 ? n->npp : 1), sizeof(int));
    n->pp_node = PyMem_Calloc((size_t)(n->npp > 0 ? n->npp : 1), sizeof(int));
    if (n->pp_pat == NULL || n->pp_node == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n->npp; i++) {
        PyObject *pair = PyTuple_GET_ITEM(pp, i);
        long a, b;
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2 ||
            read_int(PyTuple_GET_ITEM(pair, 0), 0, ndfas - 1, &a) < 0 ||
            read_int(PyTuple_GET_ITEM(pair, 1), 0, nnodes - 1, &b) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "checker: pattern pair");
            return -1;
        }
        n->pp_pat[i] = (int)a;
        n->pp_node[i] = (int)b;
    }
    if (read_int(FIELD(13), -1, nnodes - 1, &x) < 0) return -1;
    n->items = (int)x;
    if (read_ints(FIELD(14), nnodes - 1, &n->all, &n->nall) < 0) return -1;
    if (read_ints(FIELD(15), nnodes - 1, &n->any, &n->nany) < 0) return -1;
    if (read_ints(FIELD(16), nnodes - 1, &n->one, &n->none) < 0) return -1;
    if (read_int(FIELD(17), -1, nnodes - 1, &x) < 0) return -1;
    n->not_ = (int)x;
    if (read_int(FIELD(18), -1, nnodes - 1, &x) < 0) return -1;
    n->if_ = (int)x;
    if (read_int(FIELD(19), -1, nnodes - 1, &x) < 0) return -1;
    n->then_ = (int)x;
    if (read_int(FIELD(20), -1, nnodes - 1, &x) < 0) return -1;
    n->else_ = (int)x;
    n->covered = n->nall > 0 || n->nany > 0 || n->none > 0;
#undef FIELD
    return 0;
}

/* A DFA: (starts: tuple of int, table: tuple of int, accept: bytes, sticky: bytes, start,
 * backwards: 0 or 1) */
static int
read_dfa(Dfa *d, PyObject *t)
{
    if (!PyTuple_CheckExact(t) || PyTuple_GET_SIZE(t) != 6) {
        PyErr_SetString(PyExc_TypeError, "checker: a pattern is a tuple of 6 fields");
        return -1;
    }
    PyObject *starts = PyTuple_GET_ITEM(t, 0), *table = PyTuple_GET_ITEM(t, 1);
    PyObject *accept = PyTuple_GET_ITEM(t, 2), *sticky = PyTuple_GET_ITEM(t, 3);
    if (!PyTuple_CheckExact(starts) || !PyTuple_CheckExact(table) ||
        !PyBytes_CheckExact(accept) || !PyBytes_CheckExact(sticky)) {
        PyErr_SetString(PyExc_TypeError, "checker: pattern fields");
        return -1;
    }
    d->nclasses = PyTuple_GET_SIZE(starts);
    d->nstates = PyBytes_GET_SIZE(accept);
    if (d->nclasses < 1 || d->nclasses > 65535 || d->nstates < 1 ||
        PyBytes_GET_SIZE(sticky) != d->nstates ||
        PyTuple_GET_SIZE(table) != d->nclasses * d->nstates) {
        PyErr_SetString(PyExc_ValueError, "checker: pattern sizes");
        return -1;
    }
    long x;
    if (read_int(PyTuple_GET_ITEM(t, 4), 0, (long)d->nstates - 1, &x) < 0) {
        return -1;
    }
    d->start = (int)x;
    if (read_int(PyTuple_GET_ITEM(t, 5), 0, 1, &x) < 0) {
        return -1;
    }
    d->backwards = (int)x;
    d->starts = PyMem_Calloc((size_t)d->nclasses, sizeof(Py_UCS4));
    d->table = PyMem_Calloc((size_t)(d->nclasses * d->nstates), sizeof(int));
    d->accept = PyMem_Calloc((size_t)d->nstates, 1);
    d->sticky = PyMem_Calloc((size_t)d->nstates, 1);
    if (d->starts == NULL || d->table == NULL || d->accept == NULL || d->sticky == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < d->nclasses; i++) {
        if (read_int(PyTuple_GET_ITEM(starts, i), 0, 0x10FFFF, &x) < 0) {
            return -1;
        }
        if ((i == 0 && x != 0) || (i > 0 && (Py_UCS4)x <= d->starts[i - 1])) {
            PyErr_SetString(PyExc_ValueError, "checker: class starts ascend from 0");
            return -1;
        }
        d->starts[i] = (Py_UCS4)x;
    }
    for (Py_ssize_t i = 0; i < d->nclasses * d->nstates; i++) {
        if (read_int(PyTuple_GET_ITEM(table, i), -1, (long)d->nstates - 1, &x) < 0) {
            return -1;
        }
        d->table[i] = (int)x;
    }
    const char *a = PyBytes_AS_STRING(accept), *s = PyBytes_AS_STRING(sticky);
    for (Py_ssize_t i = 0; i < d->nstates; i++) {
        d->accept[i] = a[i] != 0;
        d->sticky[i] = s[i] != 0;
    }
    Py_ssize_t cls = 0;
    for (Py_UCS4 ch = 0; ch < 128; ch++) {
        while (cls + 1 < d->nclasses && d->starts[cls + 1] <= ch) {
            cls++;
        }
        d->ascii[ch] = (unsigned short)cls;
    }
    return 0;
}

static PyObject *
speedups_checker(PyObject *module, PyObject *args)
{
    PyObject *nodes, *patterns;
    if (!PyArg_ParseTuple(args, "O!O!:checker", &PyTuple_Type, &nodes, &PyTuple_Type,
                          &patterns)) {
        return NULL;
    }
    Py_ssize_t nnodes = PyTuple_GET_SIZE(nodes), ndfas = PyTuple_GET_SIZE(patterns);
    if (nnodes < 1 || nnodes > INT_MAX / 2 || ndfas > INT_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "checker: node count");
        return NULL;
    }
    CheckerObject *self = PyObject_New(CheckerObject, &CheckerType);
    if (self == NULL) {
        return NULL;
    }
    self->source = Py_BuildValue("(OO)", nodes, patterns);
    self->nnodes = nnodes;
    self->ndfas = ndfas;
    self->nodes = PyMem_Calloc((size_t)nnodes, sizeof(Node));
    self->dfas = PyMem_Calloc((size_t)(ndfas > 0 ? ndfas : 1), sizeof(Dfa));
    if (self->source == NULL || self->nodes == NULL || self->dfas == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        Py_DECREF(self);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < ndfas; i++) {
        if (read_dfa(&self->dfas[i], PyTuple_GET_ITEM(patterns, i)) < 0) {
            Py_DECREF(self);
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < nnodes; i++) {
        if (read_node(&self->nodes[i], PyTuple_GET_ITEM(nodes, i), (long)nnodes,
                      (long)ndfas) < 0) {
            Py_DECREF(self);
            return NULL;
        }
    }
    return (PyObject *)self;
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
    {"checker", speedups_checker, METH_VARARGS,
     "checker(nodes, patterns) -> Checker (built by dealerbridge._checker)"},
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
    if (PyType_Ready(&CheckerType) < 0) {
        return NULL;
    }
    return PyModule_Create(&speedups_module);
}
