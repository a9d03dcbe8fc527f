/** Entry of dist/_gradbook/search.js: puts the book's search box at the top of Framework's sidebar. */
import {BookSearch} from "./BookSearch.js";

const script = import.meta.url;
const indexUrl = new URL("./search.json", script).href;
const siteRoot = new URL("../", script).href;
const sidebar = document.getElementById("observablehq-sidebar");
if (sidebar) sidebar.prepend(BookSearch(indexUrl, siteRoot));
