#pragma once
// Result<T, E>: the return type of every operation that can fail in an
// anticipated way (a missing credential, a locked keychain, a bad request).
// Exceptions are kept for the unexpected and are caught once, in main.
// GCC 12 has no std::expected, so this is the small subset we need.

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace pat {

// Wraps an error so that Result<T, E> can be built from it unambiguously,
// even when T and E are the same type.
template <class E>
struct Failure {
    E error;
};

// fail(e): the error side of a Result, e.g. `return fail(Error{...});`.
template <class E>
Failure<std::decay_t<E>> fail(E&& error) {
    return Failure<std::decay_t<E>>{std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Result {
  public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    template <class G>
    Result(Failure<G> failure) : m_state(std::in_place_index<1>, E(std::move(failure.error))) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    T&& value() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    // Precondition: !ok().
    const E& error() const& { return std::get<1>(m_state); }
    E&& error() && { return std::get<1>(std::move(m_state)); }

  private:
    std::variant<T, E> m_state;
};

template <class E>
class [[nodiscard]] Result<void, E> {
  public:
    Result() = default;
    template <class G>
    Result(Failure<G> failure) : m_error(E(std::move(failure.error))) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }

    // Precondition: !ok().
    const E& error() const& { return *m_error; }
    E&& error() && { return std::move(*m_error); }

  private:
    std::optional<E> m_error;
};

}  // namespace pat
