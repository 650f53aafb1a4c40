/* sdbus_floor: the least a Secret Service client can do for docker's `get`
 * and `list`, as a benchmark floor (tests/bench/helper_bench.sh); not a
 * credential helper. C with libsystemd's sd-bus, no error recovery, no
 * deadlines beyond sd-bus's default, no schema checks.
 *
 *   sdbus_floor get    reads a server URL on stdin; Hello, then in one write
 *                      SearchItems({server, docker_cli=1}) and
 *                      OpenSession("plain"), then in one write GetSecret on
 *                      the first item and Properties.Get(Attributes); prints
 *                      {"ServerURL","Username","Secret"} like a helper
 *   sdbus_floor list   Hello, SearchItems({label, docker_cli=1}), then one
 *                      pipelined batch of Properties.Get(Attributes), one per
 *                      item; prints {"server":"username",...}
 *
 * Exit 1 with "credentials not found in native keychain" when nothing
 * matches, 2 on any D-Bus failure. Strings are printed without JSON escaping:
 * the bench's keys and usernames need none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define SECRETS "org.freedesktop.secrets"
#define SERVICE_PATH "/org/freedesktop/secrets"
#define SERVICE_IFACE "org.freedesktop.Secret.Service"
#define ITEM_IFACE "org.freedesktop.Secret.Item"
#define PROPS_IFACE "org.freedesktop.DBus.Properties"

static int die(const char *what, int r) {
    fprintf(stderr, "sdbus_floor: %s: %s\n", what, strerror(-r));
    exit(2);
}

/* One outstanding call: where its reply goes, and the batch's counter. */
struct slot {
    sd_bus_message **reply;
    size_t *left;
};

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    (void)error;
    struct slot *s = userdata;
    *s->reply = sd_bus_message_ref(m);
    --*s->left;
    return 0;
}

/* Sends every message of `calls` at once (sd-bus queues them and writes them
 * together) and waits for all replies; exits on an error reply. */
static void call_all(sd_bus *bus, sd_bus_message **calls, sd_bus_message **replies, size_t n) {
    size_t left = n;
    struct slot *slots = calloc(n ? n : 1, sizeof *slots);
    for (size_t i = 0; i < n; i++) {
        slots[i] = (struct slot){&replies[i], &left};
        replies[i] = NULL;
        int r = sd_bus_call_async(bus, NULL, calls[i], on_reply, &slots[i], 0);
        if (r < 0) die("call_async", r);
    }
    while (left > 0) {
        int r = sd_bus_process(bus, NULL);
        if (r < 0) die("process", r);
        if (r > 0) continue;
        r = sd_bus_wait(bus, (uint64_t)-1);
        if (r < 0) die("wait", r);
    }
    free(slots);
    for (size_t i = 0; i < n; i++) {
        if (sd_bus_message_is_method_error(replies[i], NULL)) {
            fprintf(stderr, "sdbus_floor: %s\n", sd_bus_message_get_error(replies[i])->name);
            exit(2);
        }
        sd_bus_message_unref(calls[i]);
    }
}

static sd_bus_message *method(sd_bus *bus, const char *path, const char *iface,
                              const char *name) {
    sd_bus_message *m = NULL;
    int r = sd_bus_message_new_method_call(bus, &m, SECRETS, path, iface, name);
    if (r < 0) die("new_method_call", r);
    return m;
}

static sd_bus_message *search(sd_bus *bus, const char *key, const char *value) {
    sd_bus_message *m = method(bus, SERVICE_PATH, SERVICE_IFACE, "SearchItems");
    int r = sd_bus_message_append(m, "a{ss}", 2, key, value, "docker_cli", "1");
    if (r < 0) die("append", r);
    return m;
}

static sd_bus_message *get_attributes(sd_bus *bus, const char *item) {
    sd_bus_message *m = method(bus, item, PROPS_IFACE, "Get");
    int r = sd_bus_message_append(m, "ss", ITEM_IFACE, "Attributes");
    if (r < 0) die("append", r);
    return m;
}

/* Reads a{ss} inside the variant of a Properties.Get reply; returns the
 * values of "server" and "username" (pointers into the message). */
static void read_attributes(sd_bus_message *reply, const char **server, const char **user) {
    *server = *user = "";
    int r = sd_bus_message_enter_container(reply, 'v', "a{ss}");
    if (r < 0) die("enter v", r);
    r = sd_bus_message_enter_container(reply, 'a', "{ss}");
    if (r < 0) die("enter a", r);
    const char *k, *v;
    while ((r = sd_bus_message_read(reply, "{ss}", &k, &v)) > 0) {
        if (strcmp(k, "server") == 0) *server = v;
        if (strcmp(k, "username") == 0) *user = v;
    }
    if (r < 0) die("read a{ss}", r);
}

/* The unlocked paths of a SearchItems reply (ao ao), allocated. */
static size_t read_paths(sd_bus_message *reply, const char ***paths) {
    size_t n = 0, cap = 16;
    *paths = malloc(cap * sizeof **paths);
    int r = sd_bus_message_enter_container(reply, 'a', "o");
    if (r < 0) die("enter ao", r);
    const char *path;
    while ((r = sd_bus_message_read(reply, "o", &path)) > 0) {
        if (n == cap) *paths = realloc(*paths, (cap *= 2) * sizeof **paths);
        (*paths)[n++] = path;
    }
    if (r < 0) die("read ao", r);
    return n;
}

static int do_get(sd_bus *bus) {
    char key[4096];
    size_t len = fread(key, 1, sizeof key - 1, stdin);
    while (len > 0 && (key[len - 1] == '\n' || key[len - 1] == '\r')) len--;
    key[len] = '\0';

    sd_bus_message *calls[2], *replies[2];
    calls[0] = search(bus, "server", key);
    calls[1] = method(bus, SERVICE_PATH, SERVICE_IFACE, "OpenSession");
    int r = sd_bus_message_append(calls[1], "sv", "plain", "s", "");
    if (r < 0) die("append", r);
    call_all(bus, calls, replies, 2);

    const char **paths;
    if (read_paths(replies[0], &paths) == 0) {
        puts("credentials not found in native keychain");
        return 1;
    }
    const char *session;
    r = sd_bus_message_skip(replies[1], "v");
    if (r < 0) die("skip v", r);
    r = sd_bus_message_read(replies[1], "o", &session);
    if (r < 0) die("read session", r);

    sd_bus_message *calls2[2], *replies2[2];
    calls2[0] = method(bus, paths[0], ITEM_IFACE, "GetSecret");
    r = sd_bus_message_append(calls2[0], "o", session);
    if (r < 0) die("append", r);
    calls2[1] = get_attributes(bus, paths[0]);
    call_all(bus, calls2, replies2, 2);

    const void *secret;
    size_t secret_len;
    r = sd_bus_message_enter_container(replies2[0], 'r', "oayays");
    if (r < 0) die("enter secret", r);
    r = sd_bus_message_skip(replies2[0], "oay");
    if (r < 0) die("skip", r);
    r = sd_bus_message_read_array(replies2[0], 'y', &secret, &secret_len);
    if (r < 0) die("read secret", r);
    const char *server, *user;
    read_attributes(replies2[1], &server, &user);
    printf("{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%.*s\"}\n", key, user,
           (int)secret_len, (const char *)secret);
    return 0;
}

static int do_list(sd_bus *bus) {
    sd_bus_message *call = search(bus, "label", "Docker Credentials"), *reply;
    call_all(bus, &call, &reply, 1);
    const char **paths;
    size_t n = read_paths(reply, &paths);
    sd_bus_message **calls = malloc((n + 1) * sizeof *calls);
    sd_bus_message **replies = malloc((n + 1) * sizeof *replies);
    for (size_t i = 0; i < n; i++) calls[i] = get_attributes(bus, paths[i]);
    call_all(bus, calls, replies, n);
    fputc('{', stdout);
    for (size_t i = 0; i < n; i++) {
        const char *server, *user;
        read_attributes(replies[i], &server, &user);
        printf("%s\"%s\":\"%s\"", i ? "," : "", server, user);
    }
    fputs("}\n", stdout);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "list") != 0)) {
        fputs("usage: sdbus_floor get|list\n", stderr);
        return 2;
    }
    sd_bus *bus = NULL;
    int r = sd_bus_open_user(&bus);
    if (r < 0) die("open_user", r);
    return strcmp(argv[1], "get") == 0 ? do_get(bus) : do_list(bus);
}
