// Sign-in page. Public; a signed-in visitor goes straight to the dashboard.
import { Suspense } from "react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { pagePrincipal } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await pagePrincipal()) redirect("/dashboard");
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
