#pragma once

// For std::visit over the protocol's variants (Request, EventData, NoticeData): one lambda per
// alternative, e.g. std::visit(Overloaded{[](const Events::Chat &) {…}, …}, event.data).
template <class... Ts> struct Overloaded : Ts... {
    using Ts::operator()...;
};
// Clang before 17 does not deduce an aggregate's template arguments (P1816) by itself; the
// fuzz preset builds with clang.
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;
