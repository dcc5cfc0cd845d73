import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * The console's links: next/link without prefetching. Next.js fetches every link's page in
 * the viewport ahead of a click; on a console that is a server render for each of the 20
 * sidebar entries and each table row's link at every page view (30-odd requests a page, most
 * never followed). Navigation fetches on click instead; pass `prefetch` for a link that is
 * almost always taken. `import Link from "next/link"` is refused by the linter elsewhere.
 */
export default function Link({ prefetch = false, ...props }: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={prefetch} {...props} />;
}
