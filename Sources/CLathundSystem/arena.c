#include "CLathundSystem.h"
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A thread's arena is a stack of chunks, the newest on top. Each block has a 16-byte header holding its size, so
   realloc knows how much to copy. Blocks are 16-byte aligned, as malloc's are. */
typedef struct arena_chunk {
    struct arena_chunk *previous;
    size_t capacity;  /* bytes after the chunk's header */
    size_t used;
    char *last;       /* the newest block (its header), or NULL */
} arena_chunk;

enum { chunk_header = (sizeof(arena_chunk) + 15) & ~(size_t)15, block_header = 16, first_capacity = 256 * 1024 };

static _Thread_local arena_chunk *top;
static pthread_key_t owner_key;
static pthread_once_t owner_once = PTHREAD_ONCE_INIT;

static void free_chunks(void *newest) {
    for (arena_chunk *chunk = newest; chunk != NULL;) {
        arena_chunk *previous = chunk->previous;
        free(chunk);
        chunk = previous;
    }
}

static void make_owner_key(void) { pthread_key_create(&owner_key, free_chunks); }

/* The thread-exit destructor frees what the thread's arena still holds. */
static void set_top(arena_chunk *chunk) {
    top = chunk;
    pthread_once(&owner_once, make_owner_key);
    pthread_setspecific(owner_key, chunk);
}

static size_t rounded(size_t size) { return (size + 15) & ~(size_t)15; }

static char *data(arena_chunk *chunk) { return (char *)chunk + chunk_header; }

static void *arena_alloc(size_t size) {
    if (size > SIZE_MAX / 2) return NULL;
    size_t need = block_header + rounded(size);
    arena_chunk *chunk = top;
    if (chunk == NULL || chunk->capacity - chunk->used < need) {
        size_t capacity = chunk == NULL ? first_capacity : chunk->capacity * 2;
        if (capacity < need) capacity = need;
        arena_chunk *fresh = malloc(chunk_header + capacity);
        if (fresh == NULL) return NULL;
        fresh->previous = chunk;
        fresh->capacity = capacity;
        fresh->used = 0;
        fresh->last = NULL;
        set_top(fresh);
        chunk = fresh;
    }
    char *block = data(chunk) + chunk->used;
    *(size_t *)block = size;
    chunk->last = block;
    chunk->used += need;
    return block + block_header;
}

void *lathund_arena_calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    void *pointer = arena_alloc(count * size);
    if (pointer != NULL) memset(pointer, 0, count * size);
    return pointer;
}

void *lathund_arena_realloc(void *pointer, size_t size) {
    if (pointer == NULL) return arena_alloc(size);
    char *block = (char *)pointer - block_header;
    size_t old = *(size_t *)block;
    arena_chunk *chunk = top;
    /* The newest block grows in place while its chunk has room. */
    if (chunk != NULL && block == chunk->last && size <= SIZE_MAX / 2
        && (size_t)(block - data(chunk)) + block_header + rounded(size) <= chunk->capacity) {
        *(size_t *)block = size;
        chunk->used = (size_t)(block - data(chunk)) + block_header + rounded(size);
        return pointer;
    }
    if (size <= old) return pointer;
    void *moved = arena_alloc(size);
    if (moved != NULL) memcpy(moved, pointer, old);
    return moved;
}

void lathund_arena_free(void *pointer) {
    /* Only the newest block is taken back at once; the rest goes at lathund_arena_release. */
    arena_chunk *chunk = top;
    if (pointer != NULL && chunk != NULL && (char *)pointer - block_header == chunk->last) {
        chunk->used = (size_t)(chunk->last - data(chunk));
        chunk->last = NULL;
    }
}

static cmark_mem arena_memory = {lathund_arena_calloc, lathund_arena_realloc, lathund_arena_free};

void *lathund_arena_allocator(void) { return &arena_memory; }

lathund_arena_mark lathund_arena_position(void) {
    lathund_arena_mark mark = {top, top == NULL ? 0 : top->used};
    return mark;
}

void lathund_arena_release(lathund_arena_mark mark) {
    arena_chunk *chunk = top;
    while (chunk != NULL && chunk != mark.chunk) {
        arena_chunk *previous = chunk->previous;
        if (previous == NULL && mark.chunk == NULL && chunk->capacity == first_capacity) break;  /* kept for the next page */
        free(chunk);
        chunk = previous;
    }
    if (chunk != NULL) {
        chunk->used = chunk == mark.chunk ? mark.used : 0;
        chunk->last = NULL;
    }
    if (chunk != top) set_top(chunk);
}

size_t lathund_arena_held(void) {
    size_t held = 0;
    for (arena_chunk *chunk = top; chunk != NULL; chunk = chunk->previous) held += chunk->capacity;
    return held;
}
