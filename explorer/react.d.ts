// @types/react and @types/react-dom are not dependencies (the explorer is one
// small page), so these are the few React declarations it relies on; GraphiQL's
// own props stay fully typed from its package.
declare module 'react-dom/client' {
  export function createRoot(container: Element): { render(children: JSX.Element): void };
}

declare module 'react/jsx-runtime' {
  export const jsx: unknown;
  export const jsxs: unknown;
  export const Fragment: unknown;
}

declare namespace JSX {
  type Element = unknown;
  interface IntrinsicElements {
    [element: string]: Record<string, unknown>;
  }
}
