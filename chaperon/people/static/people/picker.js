// Turns each people picker's search box into a combobox (the ARIA 1.2 combobox pattern with a
// listbox): type part of a name, move through what is found with the arrow keys, choose with
// Enter. The people chosen show as a list, each with a Remove button, and are sent as the
// form's values. Without this script the same box is a plain search: Find sends the form back
// and the page lists who was found, to tick.
(function () {
  "use strict";

  const WAIT_MS = 200;

  function element(name, attributes, text) {
    const made = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      made.setAttribute(key, attributes[key]);
    });
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function enhance(box) {
    if (box.hasAttribute("data-picker-ready")) {
      return;
    }
    box.setAttribute("data-picker-ready", "");
    const name = box.getAttribute("data-name");
    const multiple = box.getAttribute("data-multiple") === "true";
    const source = box.getAttribute("data-source");
    // People the form never takes here (the organiser, oneself): not offered.
    const hidden = (box.getAttribute("data-hidden") || "").split(" ").filter(Boolean);
    const chosenList = box.querySelector(".picker-chosen");
    const input = box.querySelector("input[type=search]");
    const find = box.querySelector("button[name=search]");
    const how = box.querySelector(".picker-how");
    const listId = box.id + "_results";
    const listbox = element("ul", { id: listId, role: "listbox", class: "picker-results" });
    const live = element("p", { class: "visually-hidden", role: "status" });
    const chipIds = { next: 0 };
    let results = [];
    let active = -1;
    let asked = 0;
    let timer = null;

    listbox.setAttribute("aria-label", "People found");
    listbox.hidden = true;
    find.remove();
    const found = box.querySelector(".picker-found");
    if (found) {
      found.remove();
    }
    input.removeAttribute("name");
    input.value = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.parentElement.after(listbox);
    box.appendChild(live);
    how.textContent = multiple
      ? "Type part of a name, then choose with the arrow keys and Enter. Choose as many as you need."
      : "Type part of a name, then choose with the arrow keys and Enter.";

    function chosenIds() {
      return Array.from(chosenList.querySelectorAll(".picker-chip input")).map(function (item) {
        return item.value;
      });
    }

    function announce(text) {
      live.textContent = text;
    }

    function chip(id, label) {
      chipIds.next += 1;
      const item = element("li", { class: "picker-chip" });
      const text = element("span", { id: box.id + "_chip" + chipIds.next }, label);
      const value = element("input", { type: "hidden", name: name, value: id });
      const remove = element(
        "button",
        { type: "button", class: "picker-remove", "aria-label": "Remove " + label },
        "Remove"
      );
      remove.addEventListener("click", function () {
        item.remove();
        announce(label + " removed.");
        input.focus();
      });
      item.append(text, value, remove);
      return item;
    }

    // Chips come first, before any suggestions.
    function place(item) {
      chosenList.insertBefore(item, chosenList.querySelector(".picker-suggestion"));
    }

    // What the page was drawn with: the people ticked become chips; suggestions (and the
    // choice of nobody beside them) stay to tick; what a search without this script found goes.
    const suggesting = chosenList.querySelector(".picker-suggestion:not(.picker-blank)") !== null;
    Array.from(chosenList.children).forEach(function (item) {
      const tick = item.querySelector("input");
      const label = item.querySelector("label");
      if (item.classList.contains("picker-suggestion")) {
        if (suggesting) {
          return;
        }
      } else if (tick && tick.checked && tick.value !== "") {
        place(chip(tick.value, label.textContent));
      }
      item.remove();
    });
    chosenList.addEventListener("change", function (event) {
      if (!multiple && event.target.checked) {
        chosenList.querySelectorAll(".picker-chip").forEach(function (item) {
          item.remove();
        });
      }
    });

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = listbox.querySelectorAll("[role=option]");
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, at) {
        option.setAttribute("aria-selected", at === active ? "true" : "false");
        option.classList.toggle("picker-active", at === active);
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      const person = results[index];
      if (!person) {
        return;
      }
      if (!multiple) {
        chosenList.querySelectorAll(".picker-chip").forEach(function (item) {
          item.remove();
        });
        chosenList.querySelectorAll("input[type=radio]").forEach(function (tick) {
          tick.checked = false;
        });
      }
      place(chip(String(person.id), person.label));
      input.value = "";
      close();
      announce(person.label + " chosen.");
    }

    function show(answer) {
      const taken = chosenIds().concat(hidden);
      results = answer.results.filter(function (person) {
        return taken.indexOf(String(person.id)) === -1;
      });
      listbox.replaceChildren();
      results.forEach(function (person, index) {
        const option = element(
          "li",
          { id: listId + "_" + index, role: "option", "aria-selected": "false" },
          person.label
        );
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(index);
        });
        listbox.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      listbox.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      if (!results.length) {
        announce("Nobody found.");
      } else {
        const many = results.length === 1 ? "1 person found" : results.length + " people found";
        announce(many + (answer.more ? ", and more: type more of the name." : "."));
      }
    }

    function search() {
      const text = input.value.trim();
      asked += 1;
      const mine = asked;
      if (!text) {
        close();
        return;
      }
      fetch(source + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (reply) {
          if (mine !== asked) {
            return;
          }
          if (!reply.ok) {
            close();
            announce(reply.answer.error || "The search did not work.");
            return;
          }
          show(reply.answer);
        })
        .catch(function () {
          if (mine === asked) {
            close();
            announce("The search did not work: check the connection and type again.");
          }
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      const open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          highlight(active + 1);
        } else if (results.length) {
          listbox.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
        }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) {
          highlight(active - 1);
        }
      } else if (event.key === "Enter") {
        // Enter in the search box chooses; it never sends the form.
        event.preventDefault();
        if (open && active >= 0) {
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      }
    });
    input.addEventListener("blur", function () {
      close();
    });
  }

  document.querySelectorAll("[data-picker]").forEach(enhance);
})();
